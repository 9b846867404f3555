# TLS: the tls-port listener beside the plain port, client certificates
# (tls-auth-clients yes / optional / no), a wrong CA, hostile bytes and half
# handshakes on the TLS port, big pipelines and values over TLS (bytes
# OpenSSL holds decrypted), CONFIG SET of the certificate and a bad file,
# tls-port 0 and port 0, tls-protocols, and redis-py over TLS.
#
# Certificates are made here, in a temp dir, with the openssl CLI: a CA, a
# server certificate and a client certificate signed by it, a second
# server certificate (for the reload), and another CA with its own client
# certificate (the wrong CA).  Clients are redis-cli --tls, openssl
# s_client and redis-py.  Checked against redis-server 7.0.15 with
# `tests/runtest --server /usr/bin/redis-server --single unit/tls`.

proc tls_openssl {args} {
    exec openssl {*}$args 2>@1
}

# Makes a key and a certificate NAME.crt/NAME.key in DIR for subject CN,
# signed by CA (a name in DIR), with the extension lines EXT.
proc tls_make_cert {dir name cn ca {ext ""}} {
    set key [file join $dir $name.key]
    set csr [file join $dir $name.csr]
    tls_openssl req -new -nodes -newkey rsa:2048 -subj "/CN=$cn" -keyout $key -out $csr
    set extfile [file join $dir $name.ext]
    set f [open $extfile w]
    puts $f $ext
    close $f
    tls_openssl x509 -req -in $csr -CA [file join $dir $ca.crt] -CAkey [file join $dir $ca.key] \
        -CAcreateserial -days 2 -extfile $extfile -out [file join $dir $name.crt]
}

proc tls_make_certs {} {
    set dir [new_tmpdir]
    foreach ca {ca otherca} {
        tls_openssl req -x509 -new -nodes -newkey rsa:2048 -days 2 -subj "/CN=Test $ca" \
            -keyout [file join $dir $ca.key] -out [file join $dir $ca.crt]
    }
    set san "subjectAltName=DNS:localhost,IP:127.0.0.1"
    tls_make_cert $dir server localhost ca $san
    tls_make_cert $dir server2 reloaded ca $san
    tls_make_cert $dir client client ca
    tls_make_cert $dir otherclient client otherca
    return $dir
}

if {[catch {exec openssl version}]} {
    puts "    (unit/tls skipped: no openssl CLI; deps/setup.sh installs it)"
    return
}
set ::tls_dir [tls_make_certs]
proc tls_file {name} { file join $::tls_dir $name }

# redis-cli over TLS to PORT, trusting CA, with the client certificate CERT
# ("" for none).  Returns its output, or "ERROR: ..." when it fails.
proc tls_cli {port cert args} {
    tls_cli_ca $port ca $cert {*}$args
}

proc tls_cli_ca {port ca cert args} {
    set cmd [list redis-cli --tls --cacert [tls_file $ca.crt] -h 127.0.0.1 -p $port]
    if {$cert ne ""} {
        lappend cmd --cert [tls_file $cert.crt] --key [tls_file $cert.key]
    }
    if {[catch {exec {*}$cmd {*}$args < /dev/null 2>@1} out]} {
        return "ERROR: $out"
    }
    return [string trimright $out "\n"]
}

# The subject openssl s_client sees on PORT, with extra s_client options.
proc tls_peer_subject {port args} {
    catch {exec openssl s_client -connect 127.0.0.1:$port -CAfile [tls_file ca.crt] \
               -cert [tls_file client.crt] -key [tls_file client.key] {*}$args \
               < /dev/null 2>@1} out
    if {[regexp -line {^subject=(.*)$} $out -> subject]} { return [string trim $subject] }
    return "no handshake: [string range $out 0 300]"
}

proc tls_overrides {port} {
    list tls-port $port tls-cert-file [tls_file server.crt] tls-key-file [tls_file server.key] \
        tls-ca-cert-file [tls_file ca.crt]
}

set ::tls_port [free_port]
start_server [list tags {tls} overrides [tls_overrides $::tls_port]] {
    set tp $::tls_port

    test {The plain port and the TLS port serve the same data} {
        r set greeting hello
        assert_equal hello [tls_cli $tp client get greeting]
        assert_equal OK [tls_cli $tp client set over tls]
        r get over
    } {tls}

    test {CLIENT LIST shows a TLS client like any other, laddr on the TLS port} {
        set line [tls_cli $tp client client info]
        assert_match "id=* addr=127.0.0.1:* laddr=127.0.0.1:$tp fd=* flags=N *cmd=client|info user=default redir=-1 resp=2" $line
    }

    test {CONFIG GET shows the TLS settings as Redis does} {
        assert_equal [list tls-port $tp] [r config get tls-port]
        assert_equal {tls-auth-clients yes} [r config get tls-auth-clients]
        assert_equal {tls-protocols {}} [r config get tls-protocols]
        assert_equal {tls-session-cache-size 20480} [r config get tls-session-cache-size]
        assert_equal [list tls-cert-file [tls_file server.crt]] [r config get tls-cert-file]
    }

    test {tls-auth-clients yes: a client without a certificate is refused} {
        assert_match "ERROR*" [tls_cli $tp "" ping]
        assert_equal PONG [tls_cli $tp client ping]
        assert_equal PONG [r ping]
    }

    test {tls-auth-clients optional: with or without a certificate, not a foreign one} {
        r config set tls-auth-clients optional
        assert_equal PONG [tls_cli $tp "" ping]
        assert_equal PONG [tls_cli $tp client ping]
        assert_match "ERROR*" [tls_cli $tp otherclient ping]
        r config set tls-auth-clients yes
    }

    test {tls-auth-clients no: no certificate asked for} {
        r config set tls-auth-clients no
        assert_equal PONG [tls_cli $tp "" ping]
        r config set tls-auth-clients yes
        assert_match "ERROR*" [tls_cli $tp "" ping]
    }

    test {A client that does not trust the server's CA does not get in} {
        assert_match "ERROR*" [tls_cli_ca $tp otherca client ping]
        assert_equal PONG [r ping]
    }

    test {Garbage on the TLS port closes only that connection} {
        set s [socket 127.0.0.1 $tp]
        fconfigure $s -translation binary -blocking 1
        puts -nonewline $s "*1\r\n\$4\r\nPING\r\n[string repeat x 3000]"
        flush $s
        fconfigure $s -blocking 1
        set got [read $s]
        close $s
        assert_equal {} $got
        assert_equal PONG [r ping]
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {A half handshake on the TLS port stalls nobody} {
        # A TLS record header announcing a ClientHello that never comes.
        set half {}
        for {set i 0} {$i < 5} {incr i} {
            set s [socket 127.0.0.1 $tp]
            fconfigure $s -translation binary -blocking 1
            puts -nonewline $s "\x16\x03\x01\x02\x00\x01\x00\x01"
            flush $s
            lappend half $s
        }
        # And one that connects and says nothing.
        lappend half [socket 127.0.0.1 $tp]
        assert_equal PONG [r ping]
        assert_equal PONG [tls_cli $tp client ping]
        foreach s $half { close $s }
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {A value over 1 MB goes both ways over TLS} {
        set value [string repeat "0123456789abcdef" 100000]
        set f [open [tls_file big.txt] w]
        puts -nonewline $f $value
        close $f
        set cmd [list redis-cli --tls --cacert [tls_file ca.crt] --cert [tls_file client.crt] \
                     --key [tls_file client.key] -h 127.0.0.1 -p $tp]
        assert_equal OK [exec {*}$cmd -x set big < [tls_file big.txt]]
        assert_equal [string length $value] [r strlen big]
        assert_equal $value [r get big]
        assert_equal $value [exec {*}$cmd get big]
    }

    test {A big pipeline over TLS is answered in full} {
        set f [open [tls_file pipe.txt] w]
        for {set i 0} {$i < 20000} {incr i} {
            puts -nonewline $f "*3\r\n\$3\r\nSET\r\n\$[string length p$i]\r\np$i\r\n\$[string length v$i]\r\nv$i\r\n"
        }
        close $f
        set cmd [list redis-cli --tls --cacert [tls_file ca.crt] --cert [tls_file client.crt] \
                     --key [tls_file client.key] -h 127.0.0.1 -p $tp]
        set out [exec {*}$cmd --pipe < [tls_file pipe.txt]]
        assert_match "*errors: 0, replies: 20000*" $out
        assert_equal v19999 [r get p19999]
    }

    test {redis-py over TLS: a pipeline in one write and a big value} {
        # Debian's python, the one python3-redis installs into (as in
        # deps/setup.sh, DEPS_PYTHON names another).
        set python /usr/bin/python3
        if {[info exists ::env(DEPS_PYTHON)]} { set python $::env(DEPS_PYTHON) }
        if {[catch {exec $python -c "import redis"}]} {
            skip "redis-py is not importable by $python; `make test-clients` (deps/setup.sh clients) installs python3-redis"
        }
        set py {
import sys, redis
port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
r = redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=ca,
                ssl_certfile=cert, ssl_keyfile=key, ssl_check_hostname=False,
                socket_timeout=20)
p = r.pipeline(transaction=False)
for i in range(5000):
    p.set("py%d" % i, "x" * (i % 100))
    p.get("py%d" % i)
res = p.execute()
assert all(res[2*i] is True and res[2*i+1] == b"x" * (i % 100) for i in range(5000))
big = b"y" * (3 * 1024 * 1024)
r.set("pybig", big)
assert r.get("pybig") == big
# A big argument read to its exact end leaves the commands after it in
# the same TLS record decrypted inside OpenSSL, with nothing more on the
# socket: they must run without a new socket event.
for n in (1000003, 1048583, 2000011):
    p = r.pipeline(transaction=False)
    p.set("odd", b"z" * n)
    p.strlen("odd")
    p.ping()
    assert p.execute() == [True, n, True]
print(r.dbsize() > 5000)
}
        exec $python -c $py $tp [tls_file ca.crt] [tls_file client.crt] [tls_file client.key]
    } {True}

    test {CONFIG SET tls-cert-file and tls-key-file reload the certificate} {
        assert_equal {CN = localhost} [tls_peer_subject $tp]
        r config set tls-cert-file [tls_file server2.crt] tls-key-file [tls_file server2.key]
        assert_equal {CN = reloaded} [tls_peer_subject $tp]
        assert_equal PONG [tls_cli $tp client ping]
        r config set tls-cert-file [tls_file server.crt] tls-key-file [tls_file server.key]
        assert_equal {CN = localhost} [tls_peer_subject $tp]
    }

    test {CONFIG SET of a bad TLS file is refused and the old context kept} {
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs." \
            {r config set tls-cert-file [tls_file nonexistent.crt]}
        assert_equal [list tls-cert-file [tls_file server.crt]] [r config get tls-cert-file]
        # A key that does not match the certificate.
        assert_error "*Unable to update TLS configuration*" \
            {r config set tls-key-file [tls_file server2.key]}
        assert_error "*Unable to update TLS configuration*" \
            {r config set tls-ciphers NO-SUCH-CIPHER}
        assert_error "*Unable to update TLS configuration*" \
            {r config set tls-dh-params-file [tls_file nonexistent.pem]}
        assert_error "*must be between 0 and 2147483647*" \
            {r config set tls-session-cache-size -1}
        assert_error "*argument(s) must be one of the following: no, yes, optional*" \
            {r config set tls-auth-clients maybe}
        assert_equal {CN = localhost} [tls_peer_subject $tp]
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {tls-key-file-pass opens an encrypted key} {
        tls_openssl pkey -in [tls_file server.key] -aes256 -passout pass:secret \
            -out [tls_file server-enc.key]
        assert_error "*Unable to update TLS configuration*" \
            {r config set tls-key-file [tls_file server-enc.key]}
        r config set tls-key-file-pass secret tls-key-file [tls_file server-enc.key]
        assert_equal PONG [tls_cli $tp client ping]
        assert_equal {tls-key-file-pass secret} [r config get tls-key-file-pass]
        r config set tls-key-file-pass "" tls-key-file [tls_file server.key]
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {CONFIG REWRITE writes the TLS settings} {
        r config set tls-auth-clients optional
        r config rewrite
        set f [open [srv config_file]]
        set conf [read $f]
        close $f
        r config set tls-auth-clients yes
        assert_match "*tls-auth-clients optional*" $conf
        assert_match "*tls-port $tp*" $conf
    }

    test {tls-ca-cert-file may only go while client certificates are not asked for} {
        assert_error "*Unable to update TLS configuration*" {r config set tls-ca-cert-file ""}
        r config set tls-auth-clients no
        r config set tls-ca-cert-file ""
        assert_equal PONG [tls_cli $tp "" ping]
        r config set tls-ca-cert-file [tls_file ca.crt]
        r config set tls-auth-clients yes
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {tls-protocols limits the versions offered} {
        assert_error "*Unable to update TLS configuration*" {r config set tls-protocols SSLv3}
        r config set tls-protocols TLSv1.2
        assert_equal {CN = localhost} [tls_peer_subject $tp -tls1_2]
        assert_match "no handshake*" [tls_peer_subject $tp -tls1_3]
        r config set tls-protocols "TLSv1.2 TLSv1.3"
        assert_equal {CN = localhost} [tls_peer_subject $tp -tls1_3]
        r config set tls-protocols ""
        assert_equal {tls-protocols {}} [r config get tls-protocols]
    }

    test {CONFIG SET tls-port 0 closes the TLS port, a new one opens it again} {
        r config set tls-port 0
        assert_match "ERROR*" [tls_cli $tp client ping]
        assert_equal PONG [r ping]
        set tp2 [free_port]
        r config set tls-port $tp2
        assert_equal PONG [tls_cli $tp2 client ping]
        r config set tls-port $tp
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {CONFIG SET tls-port to a port in use fails and keeps the old one} {
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs." \
            {r config set tls-port [srv port]}
        assert_equal [list tls-port $tp] [r config get tls-port]
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {CONFIG SET bind moves the TLS port too} {
        r config set bind 127.0.0.1
        assert_equal PONG [tls_cli $tp client ping]
        r config set bind "* -::*"
        assert_equal PONG [tls_cli $tp client ping]
    }

    test {port 0 with a TLS port: TLS only} {
        set plain [srv port]
        r config set port 0
        assert_equal 1 [catch {socket 127.0.0.1 $plain}]
        assert_equal PONG [tls_cli $tp client ping]
        r config set port $plain
        reconnect
        assert_equal PONG [r ping]
    }
}

start_server {tags {tls}} {
    test {CONFIG SET tls-port without a certificate is refused} {
        assert_error_equal "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs." \
            {r config set tls-port [free_port]}
        assert_equal {tls-port 0} [r config get tls-port]
    }

    test {The settings given while the TLS port is closed are used when it opens} {
        # No context is built for them yet: a wrong one is not noticed ...
        r config set tls-cert-file [tls_file nonexistent.crt]
        set tp [free_port]
        assert_error "*Unable to update TLS configuration*" {r config set tls-port $tp}
        # ... and good ones make the port work.
        r config set tls-cert-file [tls_file server.crt] tls-key-file [tls_file server.key] \
            tls-ca-cert-file [tls_file ca.crt]
        r config set tls-port $tp
        assert_equal PONG [tls_cli $tp client ping]
        r config set tls-port 0
    }
}

test {A TLS port without a certificate stops start-up, as Redis} {
    if {[using_external_server]} { skip "starts its own servers" }
    lassign [run_server --port 0 --tls-port [free_port] --save ""] rc out
    assert_equal 1 $rc
    assert_match "*No tls-cert-file configured!*" $out
}

test {A TLS port alone (port 0) starts and serves} {
    if {[using_external_server]} { skip "starts its own servers" }
    set tp [free_port]
    set d [new_tmpdir]
    set pid [exec [server_binary] --port 0 --tls-port $tp --dir $d --save "" \
                 --tls-cert-file [tls_file server.crt] --tls-key-file [tls_file server.key] \
                 --tls-ca-cert-file [tls_file ca.crt] > [file join $d log] 2>@1 &]
    lappend ::server::live_pids $pid
    wait_for_condition 100 50 {[tls_cli $tp client ping] eq "PONG"} else {
        ::server::kill_pid $pid
        fail "no PONG over TLS from a server with port 0"
    }
    set got [tls_cli $tp client config get port]
    ::server::kill_pid $pid
    set got
} "port\n0"
