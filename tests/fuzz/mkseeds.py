# tests/fuzz/mkseeds.py -- writes the seed corpus of the fuzz harnesses
# (tests/fuzz/corpus/<harness>/); rerun after a format change.
import struct, os
def crc32c(b):
    c = 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    return c ^ 0xffffffff
def rec(t, key=b'', val=b'', db=0, exp=0, seq=1, ts=1700000000000, flags=0):
    h = struct.pack('<BBHIIqQq', t, flags, db, len(key), len(val), exp, seq, ts)
    hcrc = crc32c(h)
    body = struct.pack('<I', hcrc) + h + key + val
    return struct.pack('<I', crc32c(body)) + body
C = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus') + '/'
def w(h, name, data):
    open(C + h + '/' + name, 'wb').write(data)
# resp: flags, step, stream
w('fuzz_resp', 'multibulk', b'\x00\x04*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n')
w('fuzz_resp', 'inline', b'\x00\x00PING\r\nSET k "a b\\x41" \'c d\'\r\n\r\nGET k\n')
w('fuzz_resp', 'empty-and-null', b'\x00\x02*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n')
w('fuzz_resp', 'bad-bulk-len', b'\x02\x07*1\r\n$99999\r\nx\r\n')
w('fuzz_resp', 'unauth-big', b'\x01\x10*20000\r\n$3\r\nfoo\r\n')
w('fuzz_resp', 'unbalanced-quotes', b'\x00\x03SET "k v\r\n')
# recovery: flags, records (checksums fixed with bit 1)
s = rec(1, b'k1', b'v1', seq=1) + rec(2, b'k1', seq=2) + rec(3, b'k2', exp=1900000000000, seq=3)
w('fuzz_recovery', 'records', b'\x02' + s)
b = rec(6, val=struct.pack('<I', 2), seq=10) + rec(1, b'a', b'1', seq=11) + rec(1, b'b', b'2', seq=12) + rec(7, seq=10)
w('fuzz_recovery', 'batch', b'\x0a' + b)
w('fuzz_recovery', 'torn-tail-active', b'\x03' + s + rec(1, b'k3', b'vvvv', seq=4)[:30])
w('fuzz_recovery', 'raw-damaged', b'\x00' + s[:50] + b'\xff' * 7 + s[57:])
w('fuzz_recovery', 'swapdb-dbmap', b'\x02' + rec(8, struct.pack('<HH', 0, 1), seq=20) + rec(9, struct.pack('<HHH', 1, 0, 2), seq=21) + rec(4, db=3, seq=22) + rec(5, seq=23))
# PATCH (type 10): the key field is the patch header (u64 LE seq of the
# record patched, u32 LE offset, u32 LE value length after) + the key.
def patchkey(prev, at, vlen, key):
    return struct.pack('<QII', prev, at, vlen) + key
w('fuzz_recovery', 'set-and-patches', b'\x02' + rec(1, b'bm', b'\0' * 8, seq=40) + rec(10, patchkey(40, 2, 8, b'bm'), b'\xff', seq=41) + rec(10, patchkey(41, 12, 14, b'bm'), b'ab', seq=42))
w('fuzz_recovery', 'unfinished-batch', b'\x03' + rec(6, val=struct.pack('<I', 3), seq=30) + rec(1, b'x', b'y', seq=31))
# ELEMENT (11) / ELEMENT_DEL (12): the key field is the element header
# (u8 collection type: 1 hash, 2 set; u32 LE key length) + the key + the
# element name; an ELEMENT repeats the key's expiry.
def elemkey(ctype, key, name):
    return struct.pack('<BI', ctype, len(key)) + key + name
HASH, SET = 1, 2
e = (rec(11, elemkey(HASH, b'h', b'f1'), b'v1', seq=50) + rec(11, elemkey(HASH, b'h', b'f2'), b'', seq=51)
     + rec(11, elemkey(SET, b's', b'm1'), seq=52) + rec(11, elemkey(SET, b's', b'-17'), seq=53)
     + rec(12, elemkey(HASH, b'h', b'f1'), seq=54) + rec(12, elemkey(SET, b's', b'm1'), seq=55)
     + rec(11, elemkey(HASH, b'h', b'f3'), b'v3', exp=1900000000000, seq=56)
     + rec(3, b'h', exp=1900000000001, seq=57) + rec(2, b's', seq=58))
w('fuzz_recovery', 'elements', b'\x02' + e)
eb = (rec(6, val=struct.pack('<I', 5), seq=60)
      + rec(11, elemkey(HASH, b'hx', b'a'), b'1', exp=1900000000000, seq=61)
      + rec(11, elemkey(HASH, b'hx', b'b'), b'2', exp=1900000000000, seq=62)
      + rec(11, elemkey(SET, b'sx', b'm'), exp=1900000000000, seq=63)
      + rec(12, elemkey(SET, b'sx', b'gone'), seq=64)
      + rec(2, b'old', db=1, seq=65) + rec(7, seq=60))
w('fuzz_recovery', 'element-batch', b'\x0a' + eb)
w('fuzz_recovery', 'element-unfinished-batch', b'\x03' + rec(6, val=struct.pack('<I', 3), seq=70) + rec(11, elemkey(SET, b's', b'a'), seq=71) + rec(12, elemkey(HASH, b'h', b'f'), seq=72))
w('fuzz_recovery', 'element-over-string', b'\x02' + rec(1, b'k', b'str', seq=80) + rec(11, elemkey(HASH, b'k', b'f'), b'v', seq=81) + rec(12, elemkey(HASH, b'k', b'f'), seq=82) + rec(11, elemkey(SET, b'k', b''), seq=83))
# bad element headers: collection type 0, a key length past the field
w('fuzz_recovery', 'element-bad-headers', b'\x02' + rec(11, elemkey(0, b'h', b'f'), b'v', seq=90) + rec(11, struct.pack('<BI', HASH, 99) + b'h', b'v', seq=91) + rec(12, b'\x02\x01', seq=92) + rec(11, elemkey(SET, b's', b'ok'), seq=93))
# META (13) / META_DEL (14): the key field is the name (1..1024 bytes),
# no db, no expiry; alone, in a batch with keys, and cut before COMMIT.
mt = (rec(13, b'function:a', b'src a', seq=100) + rec(13, b'function:b', b'', seq=101)
      + rec(14, b'function:a', seq=102) + rec(5, seq=103) + rec(13, b'function:a', b'src a2', seq=104))
w('fuzz_recovery', 'meta', b'\x02' + mt)
w('fuzz_recovery', 'meta-batch', b'\x0a' + rec(6, val=struct.pack('<I', 3), seq=110) + rec(14, b'function:a', seq=111)
  + rec(13, b'function:c', b'src c', seq=112) + rec(1, b'k', b'v', seq=113) + rec(7, seq=110))
w('fuzz_recovery', 'meta-unfinished-batch', b'\x03' + rec(6, val=struct.pack('<I', 2), seq=120) + rec(13, b'function:d', b'd', seq=121))
# hint: flags, file (frame fixed with bit 0)
def hent(t, key, off, vallen=0, db=0, exp=0, seq=1):
    return struct.pack('<BBHIIQqQ', t, 0, db, len(key), vallen, off, exp, seq) + key
ents = [hent(1, b'k1', 32, 2, seq=1), hent(2, b'k1', 32 + 48, seq=2), hent(3, b'k2', 32 + 48 + 46, exp=5, seq=3)]
hdr = b'RKVHINT1' + struct.pack('<IIQ', 1, 0, 1)
trailer = struct.pack('<QQQq', len(ents), 32 + 4096, 3, 1700000000000) + b'RKVHEND\n' + b'\0\0\0\0'
w('fuzz_hint', 'three-entries', b'\x03' + hdr + b''.join(ents) + trailer)
w('fuzz_hint', 'empty', b'\x01' + hdr + struct.pack('<QQQq', 0, 32 + 4096, 0, 0) + b'RKVHEND\n' + b'\0' * 4)
w('fuzz_hint', 'small-buffer', b'\x07' + hdr + b''.join(ents) + hent(1, b'x' * 300, 400, 10, seq=9) + trailer)
w('fuzz_hint', 'patch-chain', b'\x03' + hdr + hent(1, b'bm', 32, 8, seq=40) + hent(10, struct.pack('<QII', 40, 2, 8) + b'bm', 32 + 56, 1, seq=41) + struct.pack('<QQQq', 2, 32 + 4096, 41, 1700000000000) + b'RKVHEND\n' + b'\0\0\0\0')
w('fuzz_hint', 'raw', b'\x00' + hdr + b''.join(ents) + trailer)
# element entries, at the offsets of the records of the 'elements' seed
def hents(recs):
    out, off = [], 32
    for t, key, vlen, exp, seq in recs:
        out.append(hent(t, key, off, vlen, exp=exp, seq=seq))
        off += 44 + len(key) + vlen
    return out
eh = hents([(11, elemkey(HASH, b'h', b'f1'), 2, 0, 50), (11, elemkey(SET, b's', b'm1'), 0, 0, 52),
            (12, elemkey(HASH, b'h', b'f1'), 0, 0, 54), (11, elemkey(HASH, b'h', b'f3'), 2, 1900000000000, 56),
            (12, elemkey(SET, b's', b'm1'), 0, 0, 57)])
w('fuzz_hint', 'elements', b'\x03' + hdr + b''.join(eh) + struct.pack('<QQQq', len(eh), 32 + 4096, 57, 1700000000000) + b'RKVHEND\n' + b'\0\0\0\0')
mh = [hent(13, b'function:a', 32, 5, seq=100), hent(13, b'function:b', 32 + 59, 0, seq=101),
      hent(14, b'function:a', 32 + 59 + 54, seq=102)]
w('fuzz_hint', 'meta', b'\x03' + hdr + b''.join(mh) + struct.pack('<QQQq', len(mh), 32 + 4096, 102, 1700000000000) + b'RKVHEND\n' + b'\0\0\0\0')
# manifest: flags, text (crc line appended with bit 0)
m = (b'redis-kv-backup 1\nid 3\ntime_ms 1763800000000\nseq 12345\nkeys 2\nbytes 8192\n'
     b'last_segment 2\ndata_dir /var/lib/redis-kv\nfile seg-00000001.log 4096\n'
     b'file seg-00000001.hint 4096\n')
w('fuzz_manifest', 'two-files', b'\x01' + m)
w('fuzz_manifest', 'valid-crc', b'\x00' + m + b'crc32c %08x\n' % crc32c(m))
w('fuzz_manifest', 'no-files', b'\x01' + b'redis-kv-backup 1\nid 1\ntime_ms 0\nseq 0\nkeys 0\nbytes 0\nlast_segment 0\ndata_dir \n')
w('fuzz_manifest', 'slash-name', b'\x01' + m.replace(b'file seg-00000001.hint', b'file ../x'))
w('fuzz_manifest', 'nul-in-name', b'\x01' + m.replace(b'file seg-00000001.hint', b'file \x00\x00a\x00seg-00000001.hint'))
w('fuzz_manifest', 'time-beyond-int64', b'\x01' + m.replace(b'time_ms 1763800000000', b'time_ms 17000000063800000000'))
