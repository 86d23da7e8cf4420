"""Zip members kept in their compressed form, and a deterministic zip written from them.

A rendered .docx differs from its template in two or three members (the body, the headers and
footers); every other member is copied as the template's compressed bytes, never inflated and
deflated again. Python's zipfile has no way to write bytes that are already compressed, so the
few fixed records of the format are written here: no extra fields, no data descriptors, no
zip64, every timestamp 1980-01-01 00:00 as ``render.deterministic_zip`` writes them.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

_LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # 46 bytes
_END = struct.Struct("<4s4H2LH")  # 22 bytes
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_MADE_BY = (3 << 8) | 20  # Unix, zip 2.0: external attributes hold the Unix mode
_MODE = 0o644 << 16  # as render.deterministic_zip writes it
_LIMIT = 0xFFFFFFFF


MAX_INFLATED = 32 * 2**20  # a template inflates to some 60 KB; a zip bomb to gigabytes
MAX_MEMBERS = 1000


class TooLargeError(ValueError):
    """The zip would inflate to more than a template ever needs."""


@dataclass(frozen=True)
class Member:
    """One zip member as stored: method, CRC and sizes of the stored bytes."""

    name: str
    method: int
    crc: int
    size: int
    stored: bytes


# zlib's default level for every part, but those larger than LARGE_PART: a body of a hundred
# letters or a long roster (0.2 to 1 MB of XML, the same few kilobytes again and again), which
# level 3 deflates in half the time of level 6, to some 40 KB rather than 20 KB for a 108-letter
# body. Deflating it was a fifth of a run's time; the size is still a twentieth of the XML's.
LEVEL = 6
LARGE_PART = 64 * 2**10
LARGE_PART_LEVEL = 3


def deflate(name: str, data: bytes) -> Member:
    level = LARGE_PART_LEVEL if len(data) > LARGE_PART else LEVEL
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    stored = packer.compress(data) + packer.flush()
    return Member(name, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), stored)


def read_members(data: bytes, max_inflated: int = MAX_INFLATED) -> list[Member]:
    """Every member of a zip in its order, as stored; its CRC is verified once, here.

    A zip that declares more than ``max_inflated`` bytes or ``MAX_MEMBERS`` members is refused
    before anything is inflated (zipfile never inflates past a member's declared size).
    """
    out = []
    with zipfile.ZipFile(BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > max_inflated:
            raise TooLargeError(f"{len(infos)} members, {sum(i.file_size for i in infos)} bytes")
        for info in infos:
            payload = archive.read(info)  # inflates once and checks the CRC
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                out.append(deflate(info.filename, payload))
                continue
            head = data[info.header_offset : info.header_offset + _LOCAL.size]
            fields = _LOCAL.unpack(head)
            if fields[0] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header for {info.filename}")
            start = info.header_offset + _LOCAL.size + fields[9] + fields[10]
            stored = data[start : start + info.compress_size]
            out.append(Member(info.filename, info.compress_type, info.CRC, len(payload), stored))
    return out


def write_zip(members: Iterable[Member]) -> bytes:
    """A zip of ``members`` in their order, with fixed timestamps and modes."""
    out = bytearray()
    central = bytearray()
    count = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if m.name.isascii() else 0x800  # names in UTF-8
        if len(m.stored) > _LIMIT or m.size > _LIMIT or len(out) > _LIMIT:
            raise ValueError("zip member too large")
        offset = len(out)
        out += _LOCAL.pack(
            b"PK\x03\x04", 20, flags, m.method, _DOS_TIME, _DOS_DATE,
            m.crc, len(m.stored), m.size, len(name), 0,
        )  # fmt: skip
        out += name
        out += m.stored
        central += _CENTRAL.pack(
            b"PK\x01\x02", _MADE_BY, 20, flags, m.method, _DOS_TIME, _DOS_DATE,
            m.crc, len(m.stored), m.size, len(name), 0, 0, 0, 0, _MODE, offset,
        )  # fmt: skip
        central += name
        count += 1
    if count >= 0xFFFF:
        raise ValueError("too many zip members")
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    return bytes(out)
