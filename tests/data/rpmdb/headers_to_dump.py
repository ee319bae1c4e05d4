#!/usr/bin/env python3
"""Turns `rpmdb --exportdb` output into db_load input shaped like rpm's BDB "Packages" database.

usage: headers_to_dump.py HEADERS {little|big}

rpm's BDB backend keys each header by its 32-bit instance number in the database's byte order and
keeps the next free instance number under key 0.
"""
import struct
import sys

MAGIC = bytes([0x8E, 0xAD, 0xE8, 0x01, 0, 0, 0, 0])


def exported_headers(data):
    pos = 0
    while pos < len(data):
        if data[pos:pos + 8] != MAGIC:
            sys.exit(f"no header magic at offset {pos}")
        il, dl = struct.unpack(">II", data[pos + 8:pos + 16])
        end = pos + 16 + 16 * il + dl
        yield data[pos + 8:end]
        pos = end


def main():
    data = open(sys.argv[1], "rb").read()
    order = "<I" if sys.argv[2] == "little" else ">I"
    headers = list(exported_headers(data))
    out = ["VERSION=3", "format=bytevalue", "type=hash", "HEADER=END"]
    records = [(0, struct.pack(order, len(headers) + 1))]
    records += [(i + 1, blob) for i, blob in enumerate(headers)]
    for key, value in records:
        out.append(" " + struct.pack(order, key).hex())
        out.append(" " + value.hex())
    out.append("DATA=END")
    print("\n".join(out))


if __name__ == "__main__":
    main()
