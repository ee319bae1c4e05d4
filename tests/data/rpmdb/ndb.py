#!/usr/bin/env python3
"""Writes an rpm NDB Packages.db holding the headers of an `rpmdb --exportdb` dump.

usage: ndb.py HEADERS OUTPUT

Layout as rpm's lib/backend/ndb/rpmpkg.c reads it, all little endian: a 4 KiB slot page whose first
32 bytes are the database header ("RpmP", version 0, generation, slot page count, next package
index), then 16-byte slots ("Slot", package index, block offset, block count); blobs follow in
16-byte blocks, each framed as "BlbS", package index, timestamp, length, header blob, zero padding,
adler32 of all before it, length, "BlbE".
"""
import struct
import sys
import zlib

from headers_to_dump import exported_headers  # noqa: E402

PAGE, SLOT, BLK = 4096, 16, 16


def main():
    headers = list(exported_headers(open(sys.argv[1], "rb").read()))
    slotpage = bytearray(PAGE)
    struct.pack_into("<4sIIII", slotpage, 0, b"RpmP", 0, 7, 1, len(headers) + 1)
    for off in range(32, PAGE, SLOT):
        struct.pack_into("<4s", slotpage, off, b"Slot")
    blobs = bytearray()
    blkoff = PAGE // BLK
    for i, blob in enumerate(headers):
        pkgidx = i + 1
        head = struct.pack("<4sIII", b"BlbS", pkgidx, 1700000000, len(blob))
        blkcnt = (16 + len(blob) + 12 + BLK - 1) // BLK
        pad = bytes(blkcnt * BLK - (16 + len(blob) + 12))
        body = head + blob + pad
        tail = struct.pack("<II4s", zlib.adler32(body), len(blob), b"BlbE")
        struct.pack_into("<4sIII", slotpage, 32 + i * SLOT, b"Slot", pkgidx, blkoff, blkcnt)
        blobs += body + tail
        blkoff += blkcnt
    open(sys.argv[2], "wb").write(bytes(slotpage) + bytes(blobs))


if __name__ == "__main__":
    main()
