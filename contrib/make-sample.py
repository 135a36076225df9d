#!/usr/bin/env python3
"""make-sample.py - writes tests/data/sample.pcap, the synthetic capture of the README quick start.

Usage:
    make-sample.py OUT.pcap              write the capture (byte-for-byte deterministic)
    make-sample.py --expected IN.pcap    print sample.expected lines, computed by tshark

The capture is a classic pcap (LINKTYPE_ETHERNET, microsecond timestamps, snaplen
65535).  Every timestamp, port, sequence number, "random" and key is fixed, so two
runs give the same bytes.  All addresses are illustrative; see tests/data/README.

Only the standard library and the AESGCM / AES-ECB / HKDF-Expand primitives of the
`cryptography` package are used (the latter for the QUIC v1 Initial protection).
"""

import calendar
import hashlib
import hmac
import ipaddress
import struct
import subprocess
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

T0 = calendar.timegm((2026, 3, 2, 9, 0, 0)) * 1000000  # 2026-03-02T09:00:00Z, in µs

CLIENT4 = "10.20.0.15"
CLIENT6 = "2001:db8:20::15"
RESOLVER = "10.20.0.2"
OPENAI = "162.159.140.245"
BEDROCK = "3.124.12.34"
GEMINI = "142.250.185.74"
MISTRAL = "51.159.200.1"
ANTHROPIC = "160.79.104.10"
AZURE6 = "2001:db8:ffff::443"  # documentation-prefix stand-in (RFC 3849)
OVH = "51.68.0.10"

MAC_HOST4 = bytes.fromhex("02000a14000f")
MAC_HOST6 = bytes.fromhex("020000200015")
MAC_GW = bytes.fromhex("02000a140001")
VLAN_ID = 20


def det(label, n):
    """Fixed pseudo-random bytes: the same label always gives the same bytes."""
    return hashlib.shake_256(b"vigie sample.pcap " + label.encode()).digest(n)


# --------------------------------------------------------------------------
# Checksums and lower layers
# --------------------------------------------------------------------------

def csum16(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def l4_checksum(src, dst, proto, seg):
    """TCP/UDP checksum over the IPv4 (RFC 793) or IPv6 (RFC 8200 §8.1) pseudo-header."""
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(seg), proto)
    c = csum16(pseudo + seg)
    if proto == 17 and c == 0:
        c = 0xFFFF  # RFC 768: a computed zero is sent as all ones
    return c


class Capture:
    def __init__(self):
        self.records = []
        self.last_ts = 0
        self.ipid = {}

    def frame(self, ts, frame):
        assert ts >= self.last_ts, "timestamps must not go backwards"
        self.last_ts = ts
        self.records.append((ts, frame))

    def ip_packet(self, ts, src, dst, proto, seg, ttl, vlan=None, ipid=None):
        src = ipaddress.ip_address(src)
        dst = ipaddress.ip_address(dst)
        outbound = str(src) in (CLIENT4, CLIENT6)
        if src.version == 4:
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), ipid or 0,
                              0x4000, ttl, proto, 0, src.packed, dst.packed)
            hdr = hdr[:10] + struct.pack("!H", csum16(hdr)) + hdr[12:]
            ethertype = 0x0800
        else:
            flow = 0x5B3C1 if outbound else 0
            hdr = struct.pack("!IHBB16s16s", (6 << 28) | flow, len(seg), proto, ttl,
                              src.packed, dst.packed)
            ethertype = 0x86DD
        mac_host = MAC_HOST6 if src.version == 6 else MAC_HOST4
        eth = (MAC_GW + mac_host) if outbound else (mac_host + MAC_GW)
        if vlan is not None:
            eth += struct.pack("!HH", 0x8100, vlan & 0x0FFF)  # IEEE 802.1Q, PCP 0
        eth += struct.pack("!H", ethertype)
        frame = eth + hdr + seg
        if not outbound and len(frame) < 60:
            # Frames received from the wire carry Ethernet minimum-size padding.
            frame += b"\0" * (60 - len(frame))
        self.frame(ts, frame)

    def write(self, path):
        with open(path, "wb") as fp:
            fp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for ts, frame in self.records:
                fp.write(struct.pack("<IIII", ts // 1000000, ts % 1000000,
                                     len(frame), len(frame)))
                fp.write(frame)


def udp(cap, ts, src, sport, dst, dport, payload, ttl=64, vlan=None, ipid=None):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = l4_checksum(ipaddress.ip_address(src), ipaddress.ip_address(dst), 17, seg)
    seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    cap.ip_packet(ts, src, dst, 17, seg, ttl, vlan, ipid)


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class TcpConn:
    """One client->server TCP connection with Linux-like options and both sequence spaces."""

    def __init__(self, cap, client, sport, server, dport, rtt, server_ttl, vlan=None):
        self.cap = cap
        self.c, self.s = client, server
        self.sport, self.dport = sport, dport
        self.rtt = rtt
        self.sttl = server_ttl
        self.vlan = vlan
        tag = "%s:%d-%s:%d" % (client, sport, server, dport)
        self.cseq = struct.unpack("!I", det("isn c " + tag, 4))[0]
        self.sseq = struct.unpack("!I", det("isn s " + tag, 4))[0]
        self.cts = struct.unpack("!I", det("tsval c " + tag, 4))[0] >> 1
        self.sts = struct.unpack("!I", det("tsval s " + tag, 4))[0] >> 1
        self.cid = struct.unpack("!H", det("ipid c " + tag, 2))[0]
        self.sid = 0  # many CDN edges send ID 0 with DF set
        self.t0 = None
        self.c_tsecr = self.s_tsecr = 0
        self.v6 = ":" in client

    def _tsval(self, base, ts):
        return (base + (ts - self.t0) // 1000) & 0xFFFFFFFF

    def _seg(self, ts, from_client, flags, payload=b"", syn_opts=False):
        if self.t0 is None:
            self.t0 = ts
        if from_client:
            src, dst, sp, dp = self.c, self.s, self.sport, self.dport
            seq, ack = self.cseq, self.sseq
            tsval, tsecr = self._tsval(self.cts, ts), self.c_tsecr
            win = 64240 if flags & SYN else 502
            self.cid = (self.cid + 1) & 0xFFFF
            ttl, ipid = 64, self.cid
        else:
            src, dst, sp, dp = self.s, self.c, self.dport, self.sport
            seq, ack = self.sseq, self.cseq
            tsval, tsecr = self._tsval(self.sts, ts), self.s_tsecr
            win = 65160 if flags & SYN else 1047
            ttl, ipid = self.sttl, self.sid
        if not flags & ACK:
            ack = 0
        if syn_opts:
            mss = 1440 if self.v6 else 1460
            # Linux order: MSS, SACK permitted, timestamps, NOP, window scale (RFC 7323).
            opts = (struct.pack("!BBH", 2, 4, mss) + b"\x04\x02" +
                    struct.pack("!BBII", 8, 10, tsval, tsecr) + b"\x01" +
                    struct.pack("!BBB", 3, 3, 7))
        else:
            opts = b"\x01\x01" + struct.pack("!BBII", 8, 10, tsval, tsecr)
        off = (20 + len(opts)) // 4
        hdr = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, off << 4, flags, win, 0, 0)
        seg = hdr + opts + payload
        c = l4_checksum(ipaddress.ip_address(src), ipaddress.ip_address(dst), 6, seg)
        seg = seg[:16] + struct.pack("!H", c) + seg[18:]
        self.cap.ip_packet(ts, src, dst, 6, seg, ttl, self.vlan, ipid)
        adv = len(payload) + (1 if flags & (SYN | FIN) else 0)
        if from_client:
            self.cseq = (self.cseq + adv) & 0xFFFFFFFF
            self.s_tsecr = tsval
        else:
            self.sseq = (self.sseq + adv) & 0xFFFFFFFF
            self.c_tsecr = tsval

    def handshake(self, ts):
        self._seg(ts, True, SYN, syn_opts=True)
        self._seg(ts + self.rtt, False, SYN | ACK, syn_opts=True)
        self._seg(ts + self.rtt + 45, True, ACK)
        return ts + self.rtt + 45

    def client_data(self, ts, data, split=()):
        """Sends data in one segment, or cut at the offsets in split."""
        cuts = [0] + list(split) + [len(data)]
        for i in range(len(cuts) - 1):
            self._seg(ts + i * 9, True, PSH | ACK, data[cuts[i]:cuts[i + 1]])
        return ts + (len(cuts) - 2) * 9

    def server_data(self, ts, data):
        self._seg(ts, False, PSH | ACK, data)
        self._seg(ts + 60, True, ACK)
        return ts + 60

    def server_ack(self, ts):
        self._seg(ts, False, ACK)
        return ts

    def teardown(self, ts):
        """Client closes first: FIN/ACK, FIN/ACK back, last ACK (RFC 9293 §3.6)."""
        self._seg(ts, True, FIN | ACK)
        self._seg(ts + self.rtt, False, FIN | ACK)
        self._seg(ts + self.rtt + 40, True, ACK)
        return ts + self.rtt + 40


# --------------------------------------------------------------------------
# DNS (RFC 1035)
# --------------------------------------------------------------------------

def dns_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_opt(udp_size):
    # RFC 6891 §6.1.2 OPT pseudo-RR: root name, type 41, class = UDP payload size.
    return b"\0" + struct.pack("!HHIH", 41, udp_size, 0, 0)


def dns_query(qid, name, qtype=1):
    hdr = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)  # RD
    return hdr + dns_name(name) + struct.pack("!HH", qtype, 1) + dns_opt(1232)


def dns_response(qid, name, answers):
    """answers: list of (owner, type, ttl, rdata) where owner/rdata names are plain strings.

    Owners and CNAME targets are compressed with pointers (RFC 1035 §4.1.4) the way
    common resolvers do: the question name sits at offset 12.
    """
    hdr = struct.pack("!HHHHHH", qid, 0x8180, 1, len(answers), 0, 1)  # QR RD RA
    msg = hdr + dns_name(name) + struct.pack("!HH", 1, 1)
    names = {name: 12}
    for owner, rtype, ttl, rdata in answers:
        msg += struct.pack("!H", 0xC000 | names[owner])
        if rtype == 5:  # CNAME: target written in full, remembered for later owners
            rd = dns_name(rdata)
            names[rdata] = len(msg) + 10
        else:
            rd = ipaddress.ip_address(rdata).packed
        msg += struct.pack("!HHIH", rtype, 1, ttl, len(rd)) + rd
    return msg + dns_opt(1232)


def dns_exchange(cap, ts, sport, qid, name, answers, rtt=11482):
    udp(cap, ts, CLIENT4, sport, RESOLVER, 53, dns_query(qid, name),
        ipid=struct.unpack("!H", det("dns ipid " + name, 2))[0])
    udp(cap, ts + rtt, RESOLVER, 53, CLIENT4, sport, dns_response(qid, name, answers),
        ipid=struct.unpack("!H", det("dns ipid r " + name, 2))[0])
    return ts + rtt


# --------------------------------------------------------------------------
# TLS 1.3 (RFC 8446)
# --------------------------------------------------------------------------

def u8(n):
    return struct.pack("!B", n)


def u16(n):
    return struct.pack("!H", n)


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def ext(etype, body):
    return u16(etype) + vec16(body)


def ext_sni(host):
    # RFC 6066 §3: ServerNameList of one host_name entry.
    return ext(0x0000, vec16(b"\x00" + vec16(host.encode())))


def ext_alpn(protos):
    # RFC 7301 §3.1
    return ext(0x0010, vec16(b"".join(vec8(p.encode()) for p in protos)))


def ext_versions(versions):
    return ext(0x002B, vec8(b"".join(u16(v) for v in versions)))


def ext_groups(groups):
    return ext(0x000A, vec16(b"".join(u16(g) for g in groups)))


def ext_key_share(shares):
    return ext(0x0033, vec16(b"".join(u16(g) + vec16(k) for g, k in shares)))


SIG_ALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]


def handshake(htype, body):
    return u8(htype) + struct.pack("!I", len(body))[1:] + body


def client_hello(random, session_id, suites, extensions):
    body = (u16(0x0303) + random + vec8(session_id) +
            vec16(b"".join(u16(s) for s in suites)) + vec8(b"\x00") +
            vec16(b"".join(extensions)))
    return handshake(1, body)


def record(ctype, body, version=0x0303):
    return u8(ctype) + u16(version) + vec16(body)


def chrome_hello(host, label):
    """A Chrome-like TLS ClientHello with GREASE (RFC 8701) in suites, groups, versions."""
    x25519 = det("x25519 " + label, 32)
    exts = [
        ext(0x2A2A, b""),                                  # GREASE
        ext_sni(host),
        ext(0x0017, b""),                                  # extended_master_secret
        ext(0xFF01, b"\x00"),                              # renegotiation_info
        ext_groups([0x3A3A, 0x001D, 0x0017, 0x0018]),
        ext(0x000B, vec8(b"\x00")),                        # ec_point_formats
        ext(0x0023, b""),                                  # session_ticket
        ext_alpn(["h2", "http/1.1"]),
        ext(0x0005, b"\x01\x00\x00\x00\x00"),              # status_request (OCSP)
        ext(0x000D, vec16(b"".join(u16(a) for a in SIG_ALGS))),
        ext(0x0012, b""),                                  # signed_certificate_timestamp
        ext_key_share([(0x3A3A, b"\x00"), (0x001D, x25519)]),
        ext(0x002D, vec8(b"\x01")),                        # psk_dhe_ke
        ext_versions([0x6A6A, 0x0304, 0x0303]),
        ext(0x001B, vec8(u16(0x0002))),                    # compress_certificate: brotli
    ]
    suites = [0x8A8A, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030,
              0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
    return record(0x16, client_hello(det("random " + label, 32), det("sid " + label, 32),
                                     suites, exts), version=0x0301)


def openssl_hello(host, label, alpn=None):
    """An OpenSSL 3-like ClientHello (Python/boto3 style): no GREASE, ALPN optional."""
    x25519 = det("x25519 " + label, 32)
    exts = [
        ext_sni(host),
        ext(0x000B, vec8(b"\x00\x01\x02")),                # ec_point_formats
        ext_groups([0x001D, 0x0017, 0x001E, 0x0019, 0x0018]),
        ext(0x0023, b""),                                  # session_ticket
    ]
    if alpn:
        exts.append(ext_alpn(alpn))
    exts += [
        ext(0x0016, b""),                                  # encrypt_then_mac
        ext(0x0017, b""),                                  # extended_master_secret
        ext(0x000D, vec16(b"".join(u16(a) for a in SIG_ALGS))),
        ext_versions([0x0304, 0x0303]),
        ext(0x002D, vec8(b"\x01")),
        ext_key_share([(0x001D, x25519)]),
    ]
    suites = [0x1302, 0x1303, 0x1301, 0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA,
              0xC02B, 0xC02F, 0x009E, 0xC024, 0xC028, 0x006B, 0xC023, 0xC027, 0x0067,
              0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x009D, 0x009C, 0x003D,
              0x003C, 0x0035, 0x002F, 0x00FF]
    return record(0x16, client_hello(det("random " + label, 32), det("sid " + label, 32),
                                     suites, exts), version=0x0301)


def server_hello_body(label, session_id, suite=0x1301):
    exts = (ext(0x002B, u16(0x0304)) +
            ext(0x0033, u16(0x001D) + vec16(det("srv x25519 " + label, 32))))
    body = (u16(0x0303) + det("srv random " + label, 32) + vec8(session_id) + u16(suite) +
            b"\x00" + vec16(exts))
    return handshake(2, body)


def server_flight(label, session_id, appdata_len):
    """ServerHello, the middlebox-compatibility CCS (RFC 8446 §D.4), then opaque
    encrypted records standing in for EncryptedExtensions..Finished."""
    return (record(0x16, server_hello_body(label, session_id)) +
            record(0x14, b"\x01") +
            record(0x17, det("srv appdata " + label, appdata_len)))


def tls_connection(cap, ts, client, sport, server, hello, label, rtt, ttl, session_id,
                   split=(), vlan=None):
    conn = TcpConn(cap, client, sport, server, 443, rtt, ttl, vlan)
    ts = conn.handshake(ts)
    ts = conn.client_data(ts + 310, hello, split)
    ts = conn.server_data(ts + rtt, server_flight(label, session_id, 240))
    return conn.teardown(ts + 18000)


# --------------------------------------------------------------------------
# QUIC v1 Initial (RFC 9000, RFC 9001)
# --------------------------------------------------------------------------

QUIC_V1_SALT = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")


def hkdf_expand_label(secret, label, length):
    """RFC 8446 §7.1 HKDF-Expand-Label with an empty context."""
    full = b"tls13 " + label.encode()
    info = u16(length) + vec8(full) + vec8(b"")
    return HKDFExpand(hashes.SHA256(), length, info).derive(secret)


def initial_keys(dcid, side):
    """RFC 9001 §5.2: (key, iv, hp) for side 'client in' or 'server in'."""
    initial = hmac.new(QUIC_V1_SALT, dcid, hashlib.sha256).digest()  # HKDF-Extract
    secret = hkdf_expand_label(initial, side, 32)
    return (hkdf_expand_label(secret, "quic key", 16),
            hkdf_expand_label(secret, "quic iv", 12),
            hkdf_expand_label(secret, "quic hp", 16))


def self_test_initial_keys():
    # RFC 9001 Appendix A.1 vectors, so a slip in the derivation cannot go unnoticed.
    key, iv, hp = initial_keys(bytes.fromhex("8394c8f03e515708"), "client in")
    assert key.hex() == "1f369613dd76d5467730efcbe3b1a22d"
    assert iv.hex() == "fa044b2f42a3fd3b46fb255c"
    assert hp.hex() == "9f50449e04a0e810283a1e9933adedd2"
    key, iv, hp = initial_keys(bytes.fromhex("8394c8f03e515708"), "server in")
    assert key.hex() == "cf3a5331653c364c88f0f379b6067e37"
    assert iv.hex() == "0ac1493ca1905853b0bba03e"
    assert hp.hex() == "c206b8d9b9f0f37644430b490eeaa314"


def varint(n):
    # RFC 9000 §16
    if n < 0x40:
        return u8(n)
    if n < 0x4000:
        return u16(0x4000 | n)
    if n < 0x40000000:
        return struct.pack("!I", 0x80000000 | n)
    return struct.pack("!Q", 0xC000000000000000 | n)


def varint2(n):
    """Two-byte varint, as stacks write the Length field before its value is known."""
    assert n < 0x4000
    return u16(0x4000 | n)


def protect_initial(keys, dcid, scid, pn, frames, size=None):
    """Builds one protected Initial packet (RFC 9000 §17.2.2, RFC 9001 §5.3-5.4).

    With size set, PADDING frames fill the packet to exactly size bytes.
    """
    key, iv, hp = keys
    pn_len = 1
    first = 0xC0 | (pn_len - 1)  # long header, fixed bit, type Initial (0)
    head = u8(first) + struct.pack("!I", 1) + vec8(dcid) + vec8(scid) + varint(0)
    if size is not None:
        pad = size - (len(head) + 2 + pn_len + len(frames) + 16)
        assert pad >= 0
        frames += b"\x00" * pad
    length = pn_len + len(frames) + 16
    header = head + varint2(length) + struct.pack("!B", pn)
    pn_off = len(header) - pn_len
    nonce = bytes(a ^ b for a, b in zip(iv, (b"\0" * 8 + struct.pack("!I", pn))))
    sealed = AESGCM(key).encrypt(nonce, frames, header)
    # §5.4.2: the sample starts 4 bytes after the start of the Packet Number field.
    sample = sealed[4 - pn_len:4 - pn_len + 16]
    enc = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    mask = enc.update(sample) + enc.finalize()
    prot = bytearray(header)
    prot[0] ^= mask[0] & 0x0F
    for i in range(pn_len):
        prot[pn_off + i] ^= mask[1 + i]
    return bytes(prot) + sealed


def opaque_long(ptype, dcid, scid, label, body_len):
    """A long-header packet whose protected payload we cannot (and need not) produce:
    deterministic bytes standing in for a Handshake packet (RFC 9000 §17.2.4)."""
    first = 0xC0 | (ptype << 4) | (det("first " + label, 1)[0] & 0x0F)
    return (u8(first) + struct.pack("!I", 1) + vec8(dcid) + vec8(scid) +
            varint2(body_len) + det("opaque " + label, body_len))


def quic_client_hello(host):
    x25519 = det("x25519 quic", 32)
    tp = b""
    scid = det("quic scid", 8)
    for pid, val in [(0x01, varint(30000)),           # max_idle_timeout
                     (0x03, varint(1472)),            # max_udp_payload_size
                     (0x04, varint(15728640)),        # initial_max_data
                     (0x05, varint(6291456)),         # initial_max_stream_data_bidi_local
                     (0x06, varint(6291456)),         # ..._bidi_remote
                     (0x07, varint(6291456)),         # ..._uni
                     (0x08, varint(100)),             # initial_max_streams_bidi
                     (0x09, varint(103)),             # initial_max_streams_uni
                     (0x0F, scid)]:                   # initial_source_connection_id
        tp += varint(pid) + varint(len(val)) + val
    exts = [
        ext_sni(host),
        ext_groups([0x001D, 0x0017, 0x0018]),
        ext_alpn(["h3"]),
        ext(0x000D, vec16(b"".join(u16(a) for a in SIG_ALGS))),
        ext_key_share([(0x001D, x25519)]),
        ext(0x002D, vec8(b"\x01")),
        ext_versions([0x0304]),
        ext(0x0039, tp),                    # quic_transport_parameters (RFC 9001 §8.2)
    ]
    # RFC 9001 §8.4: no legacy session ID over QUIC.
    return client_hello(det("random quic", 32), b"", [0x1301, 0x1302, 0x1303], exts)


def quic_flow(cap, ts):
    sport = 53211
    odcid = det("quic odcid", 8)
    scid = det("quic scid", 8)
    server_cid = det("quic server cid", 8)
    ckeys = initial_keys(odcid, "client in")
    skeys = initial_keys(odcid, "server in")
    ch = quic_client_hello("generativelanguage.googleapis.com")
    n = len(ch) // 2
    # CRYPTO frame (RFC 9000 §19.6): type, offset, length, data.
    p0 = protect_initial(ckeys, odcid, scid, 0, b"\x06" + varint(0) + varint(n) + ch[:n], 1200)
    p1 = protect_initial(ckeys, odcid, scid, 1,
                         b"\x06" + varint(n) + varint(len(ch) - n) + ch[n:], 1200)
    assert len(p0) == len(p1) == 1200
    rtt = 9870
    # The second half leaves first: reordering as seen on a multi-queue NIC.
    udp(cap, ts, CLIENT4, sport, GEMINI, 443, p1, ipid=0)
    udp(cap, ts + 23, CLIENT4, sport, GEMINI, 443, p0, ipid=0)
    # Server: Initial (ACK of 0..1 + ServerHello) coalesced with an opaque Handshake
    # packet, the datagram padded to 1200 bytes (RFC 9000 §14.1); then one more
    # opaque Handshake datagram.
    ack = b"\x02" + varint(1) + varint(0) + varint(0) + varint(1)
    sh = server_hello_body("quic", b"")
    sinit = protect_initial(skeys, scid, server_cid, 0,
                            ack + b"\x06" + varint(0) + varint(len(sh)) + sh)
    hs_len = 1200 - len(sinit) - (1 + 4 + 1 + 8 + 1 + 8 + 2)
    d1 = sinit + opaque_long(2, scid, server_cid, "hs1", hs_len)
    assert len(d1) == 1200
    d2 = opaque_long(2, scid, server_cid, "hs2", 312)
    udp(cap, ts + 23 + rtt, GEMINI, 443, CLIENT4, sport, d1, ttl=118, ipid=0)
    udp(cap, ts + 23 + rtt + 412, GEMINI, 443, CLIENT4, sport, d2, ttl=118, ipid=0)
    return ts + 23 + rtt + 412


# --------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------

def build():
    self_test_initial_keys()
    cap = Capture()
    ts = T0

    # 1-2. api.openai.com: DNS with a CNAME chain, then TLS with a split ClientHello.
    ts = dns_exchange(cap, ts, 41873, 0x3A71, "api.openai.com", [
        ("api.openai.com", 5, 300, "api.openai.com.cdn.cloudflare.net"),
        ("api.openai.com.cdn.cloudflare.net", 1, 300, OPENAI)])
    hello = chrome_hello("api.openai.com", "openai")
    ts = tls_connection(cap, ts + 820, CLIENT4, 50412, OPENAI, hello, "openai", 14210, 57,
                        det("sid openai", 32), split=(100,))

    # 3. Bedrock in eu-central-1: DNS, then TLS from a boto3-like client (no ALPN).
    ts = dns_exchange(cap, ts + 250000, 38256, 0x9C04,
                      "bedrock-runtime.eu-central-1.amazonaws.com",
                      [("bedrock-runtime.eu-central-1.amazonaws.com", 1, 60, BEDROCK)])
    hello = openssl_hello("bedrock-runtime.eu-central-1.amazonaws.com", "bedrock")
    ts = tls_connection(cap, ts + 640, CLIENT4, 50418, BEDROCK, hello, "bedrock", 4870, 241,
                        det("sid bedrock", 32))

    # 4. Gemini over QUIC v1, ClientHello across two Initials sent out of order.
    ts = quic_flow(cap, ts + 310000)

    # 5. Plain HTTP POST to a Mistral address: the request a policy should flag.
    body = (b'{"model":"mistral-small-latest","messages":[{"role":"user",'
            b'"content":"Summarise the attached meeting notes."}]}')
    req = (b"POST /v1/chat/completions HTTP/1.1\r\n"
           b"Host: api.mistral.ai\r\n"
           b"User-Agent: python-httpx/0.27.0\r\n"
           b"Accept: application/json\r\n"
           b"Content-Type: application/json\r\n"
           b"Authorization: Bearer EXAMPLE-NOT-A-REAL-KEY\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    resp_body = b'{"message":"Use HTTPS: https://api.mistral.ai/v1/chat/completions"}'
    resp = (b"HTTP/1.1 308 Permanent Redirect\r\n"
            b"Date: Mon, 02 Mar 2026 09:00:01 GMT\r\n"
            b"Content-Type: application/json\r\n"
            b"Content-Length: " + str(len(resp_body)).encode() + b"\r\n"
            b"Location: https://api.mistral.ai/v1/chat/completions\r\n"
            b"Connection: close\r\n\r\n" + resp_body)
    conn = TcpConn(cap, CLIENT4, 50424, MISTRAL, 80, 11260, 52)
    ts = conn.handshake(ts + 420000)
    ts = conn.client_data(ts + 150, req)
    ts = conn.server_ack(ts + 11260)
    ts = conn.server_data(ts + 2100, resp)
    ts = conn.teardown(ts + 900)

    # 6. api.anthropic.com: only the DNS answer names the connection.
    ts = dns_exchange(cap, ts + 380000, 45102, 0x51E8, "api.anthropic.com",
                      [("api.anthropic.com", 1, 300, ANTHROPIC)])
    conn = TcpConn(cap, CLIENT4, 50430, ANTHROPIC, 443, 16830, 55)
    ts = conn.handshake(ts + 700)
    ts = conn.teardown(ts + 2400)

    # 7. IPv6 host on VLAN 20: TLS to an Azure AI inference stand-in address.
    hello = openssl_hello("models.inference.ai.azure.com", "azure", alpn=["http/1.1"])
    ts = tls_connection(cap, ts + 290000, CLIENT6, 50436, AZURE6, hello, "azure", 21540, 113,
                        det("sid azure", 32), vlan=VLAN_ID)

    # 8. DNS over TCP (RFC 1035 §4.2.2: two-byte length prefix).
    q = dns_query(0x0E7D, "eu.api.ovh.com")
    r = dns_response(0x0E7D, "eu.api.ovh.com", [("eu.api.ovh.com", 1, 3600, OVH)])
    conn = TcpConn(cap, CLIENT4, 50442, RESOLVER, 53, 380, 64)
    ts = conn.handshake(ts + 510000)
    ts = conn.client_data(ts + 60, u16(len(q)) + q)
    ts = conn.server_data(ts + 9120, u16(len(r)) + r)
    conn.teardown(ts + 200)
    return cap


# --------------------------------------------------------------------------
# sample.expected, from tshark (the independent dissector)
# --------------------------------------------------------------------------

def tshark_fields(path, fields, display_filter):
    cmd = ["tshark", "-r", path, "-n", "-Y", display_filter, "-T", "fields",
           "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [dict(zip(fields, line.split("\t"))) for line in out.splitlines()]


def expected_lines(path):
    """One line per named flow: client side first, as vigie reports it."""
    lines = set()
    named = set()

    def ip_of(row, direction):
        return row["ip." + direction] or row["ipv6." + direction]

    base = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst"]
    for row in tshark_fields(path, base + ["tcp.srcport", "tcp.dstport",
                             "tls.handshake.extensions_server_name"],
                             "tcp && tls.handshake.type == 1"):
        key = ("tcp", ip_of(row, "src"), row["tcp.srcport"], ip_of(row, "dst"),
               row["tcp.dstport"])
        lines.add(key + ("tls", row["tls.handshake.extensions_server_name"]))
        named.add(key)
    for row in tshark_fields(path, base + ["udp.srcport", "udp.dstport",
                             "tls.handshake.extensions_server_name"],
                             "quic && tls.handshake.type == 1"):
        key = ("udp", ip_of(row, "src"), row["udp.srcport"], ip_of(row, "dst"),
               row["udp.dstport"])
        lines.add(key + ("quic", row["tls.handshake.extensions_server_name"]))
        named.add(key)
    for row in tshark_fields(path, base + ["tcp.srcport", "tcp.dstport", "http.host"],
                             "http.request"):
        key = ("tcp", ip_of(row, "src"), row["tcp.srcport"], ip_of(row, "dst"),
               row["tcp.dstport"])
        lines.add(key + ("http", row["http.host"]))
        named.add(key)
    # DNS answers: address -> queried name.
    answers = {}
    for row in tshark_fields(path, ["dns.qry.name", "dns.a", "dns.aaaa"],
                             "dns.flags.response == 1"):
        for a in (row["dns.a"] + "," + row["dns.aaaa"]).split(","):
            if a:
                answers[a] = row["dns.qry.name"]
    # Connections (SYN without ACK) that nothing above named: named from DNS, if resolved.
    for row in tshark_fields(path, base + ["tcp.srcport", "tcp.dstport"],
                             "tcp.flags.syn == 1 && tcp.flags.ack == 0"):
        key = ("tcp", ip_of(row, "src"), row["tcp.srcport"], ip_of(row, "dst"),
               row["tcp.dstport"])
        if key not in named and key[3] in answers:
            lines.add(key + ("dns", answers[key[3]]))
    return sorted(" ".join(line) for line in lines)


def main(argv):
    if len(argv) == 3 and argv[1] == "--expected":
        for line in expected_lines(argv[2]):
            print(line)
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        sys.stderr.write("usage: make-sample.py OUT.pcap | --expected IN.pcap\n")
        return 2
    build().write(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
