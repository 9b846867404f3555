# ROLE and the cluster-only commands: redis-kv answers as a Redis 7.0.15
# master without replicas and with cluster support off.  Written to pass
# against Redis 7.0.15 too.

start_server {tags {role}} {
    test {ROLE: a master at offset 0 with no replicas} {
        assert_equal {master 0 {}} [r role]
        assert_equal "*3\r\n\$6\r\nmaster\r\n:0\r\n*0\r\n" [raw_reply role]
        assert_equal "*3\r\n\$6\r\nmaster\r\n:0\r\n*0\r\n" [raw_reply3 role]
        assert_error {*wrong number of arguments for 'role' command*} {r role x}
    }

    test {READONLY, READWRITE and ASKING: cluster support is disabled} {
        foreach cmd {readonly readwrite asking} {
            assert_error {ERR This instance has cluster support disabled} [list r $cmd]
            assert_error "*wrong number of arguments for '$cmd' command*" [list r $cmd x]
        }
    }

    test {CLUSTER: every subcommand answers that cluster support is disabled} {
        foreach args {{info} {nodes} {slots} {shards} {myid} {help} {keyslot foo}
                      {countkeysinslot 1} {getkeysinslot 1 1} {setslot 1 stable}
                      {reset hard} {links}} {
            assert_error {ERR This instance has cluster support disabled} \
                [list r cluster {*}$args]
        }
    }

    test {CLUSTER: unknown subcommands and arity are checked first} {
        assert_error {*wrong number of arguments for 'cluster' command*} {r cluster}
        assert_error {*unknown subcommand 'foo'. Try CLUSTER HELP.} {r cluster foo}
        assert_error {*wrong number of arguments for 'cluster|keyslot' command*} {r cluster keyslot}
        assert_error {*wrong number of arguments for 'cluster|info' command*} {r cluster info x}
    }

    test {INFO replication agrees with ROLE} {
        assert_match "*role:master\r\n*" [r info replication]
        assert_match "*connected_slaves:0\r\n*" [r info replication]
    }
}
