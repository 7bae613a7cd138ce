#!/usr/bin/env python3
"""Writes the bad inputs the cases name into DIR (run time only; nothing big
is kept in the repository).

    gen.py DIR
"""
import math
import os
import struct
import sys

D = sys.argv[1]
os.makedirs(D, exist_ok=True)
MIB = 1 << 20


def put(name, data):
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)


# ---- bulletin texts ----
put("good.txt", "Xin chào bà con.\n".encode())
# Latin-1 "à" (E0) then FF: not UTF-8, first bad byte at offset 6
put("latin1.txt", b"Xin ch\xe0o\xff b\xe0 con\n")
put("latin1-line2.txt", "Xin chào!\n".encode() + b"Xin ch\xe0o\xff b\xe0 con\n")
put("utf16.txt", "Xin chào bà con.\n".encode("utf-16"))  # with its FF FE mark
put("overlong.txt", b"Xin ch\xc0\xafo\n")  # "/" written in two bytes
put("surrogate.txt", b"Xin ch\xed\xa0\x80o\n")  # a UTF-16 surrogate in UTF-8
put("nul.txt", "Xin chào".encode() + b"\x00" + " bà con.\n".encode())
put("nul-only.txt", b"\x00" * 64)
put("punct.txt", b"!!! ??? ... ,,, ;;; --- *** ((( ))) ///\n")
put("emoji.txt", ("\U0001F4E2 \U0001F44D \u2605\u2605\u2605 \u2192\u2192\n").encode())
put("digits1000.txt", ("Số tiền là " + "1" * 1000 + " đồng.\n").encode())
# a terminal escape, a bell and a backspace inside a sentence
put("ctrl.txt", "Thông báo\x07 \x1b[31mngày mai\x08 họp tổ dân phố.\n".encode())
put("empty.txt", b"")
put("blank.txt", b" \t\r\n\n   \n")
# one line of exactly 1 MiB (the limit): Vietnamese words, one full stop
words = ("xin chào bà con khu phố " * (MIB // 20)).encode()
body = words[: MIB - 2]
body = body[: body.rfind(b" ")]
r = MIB - 2 - len(body)
if r % 2:  # " à" is 3 bytes, " a" 2: any rest of 2 bytes or more
    body += " à".encode()
    r -= 3
body += b" a" * (r // 2)
line = body + b".\n"
assert len(line) == MIB
put("line-1mib.txt", line)
# over the limit: a line of 1 MiB + 1 byte before its newline
put("line-over.txt", line[:-1] + b"bb\n")
# many short lines, 1 MiB + 1 byte in all
para = "Người dân nộp hồ sơ trực tuyến.\n".encode()
many = para * (MIB // len(para) + 1)
put("lines-over.txt", many[: MIB + 1])
# 24 syllables * 5 = 120 syllables and no full stop at the end
put("long-sentence.txt", ("xin chào bà con khu phố " * 20).strip().encode() + b"\n")


# ---- audio files ----
def wav(rate, frames, ch=1, bits=16, datalen=None):
    data = b"".join(struct.pack("<h", int(8000 * math.sin(i / 10.0))) for i in range(frames * ch))
    dl = len(data) if datalen is None else datalen
    fmt = struct.pack("<IHHIIHH", 16, 1, ch, rate, (rate * ch * bits // 8) & 0xFFFFFFFF, ch * bits // 8, bits)
    return b"RIFF" + struct.pack("<I", 36 + dl) + b"WAVE" + b"fmt " + fmt + b"data" + struct.pack("<I", dl) + data


good = wav(16000, 16000)
put("good.wav", good)
put("rate1.wav", wav(1, 16000))
put("rate10mhz.wav", wav(10_000_000, 16000))
put("rate0.wav", wav(0, 1600))
put("zero-frames.wav", wav(16000, 0))
put("truncated.wav", wav(16000, 1600, datalen=64000))  # says 2 s, holds 0.1 s
put("header-cut.wav", good[:20])  # cut inside the fmt chunk
put("header-only.wav", good[:44])  # promises 1 s, holds nothing
b = bytearray(wav(16000, 160))
b[22:24] = struct.pack("<H", 0)
put("channels0.wav", bytes(b))
b = bytearray(good)
b[22:24] = struct.pack("<H", 200)
put("channels200.wav", bytes(b))
put("text.wav", "Đây là văn bản, không phải âm thanh.\n".encode())
put("random.mp3", os.urandom(5000))
put("png.flac", b"\x89PNG\r\n\x1a\n" + os.urandom(3000))
put("empty.wav", b"")
os.makedirs(os.path.join(D, "folder.wav"), exist_ok=True)
