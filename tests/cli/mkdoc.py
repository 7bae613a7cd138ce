#!/usr/bin/env python3
"""Writes a LibreOffice flat document (.fodt) from a plan's text, for the
import tests to turn into .docx, .odt and .pdf with `soffice --convert-to`.

  mkdoc.py PLAN.txt OUT.fodt [--header TEXT] [--page-numbers] [--margin CM]
           [--size PT] [--encode tcvn3|vni|mixed] [--font NAME] [--image PNG]

The plans are text extracted from PDFs: one line of the page a line, blank
lines between.  The lines are joined back into paragraphs (a line opens a
paragraph after one that ends a sentence, or when it opens with a heading
or list marker), so the PDF LibreOffice makes breaks them at its own line
ends.

--encode writes the text in a legacy encoding with this script's own
tables, as an office of the 1990s would have typed it: TCVN3 (ABC) bytes
in the ".VnTime" font, the capitals TCVN3 has no room for in ".VnTimeH"
(the same byte as the small letter); VNI bytes in "VNI-Times"; "mixed"
alternates TCVN3, VNI and Unicode paragraphs.  --font NAME writes the legacy
bytes under NAME instead (no font name tells the encoding).  The bytes are
stored as the characters U+0080..U+00FF, as Word and LibreOffice keep a
legacy font's text.  --image makes a page that holds only that image (a
scan).
"""
import base64
import re
import sys
import unicodedata
from xml.sax.saxutils import escape

# TCVN3 (VN3), bytes 0xA1..0xFE: the letters .VnTime holds, in byte order.
TCVN3 = {}
for byte, ch in zip(range(0xA1, 0xAF), "ĂÂÊÔƠƯĐăâêôơưđ"):
    TCVN3[ch] = byte
for byte, ch in zip(
    range(0xB5, 0xFF),
    "àảãáạ" "\0" "ằẳẵắ" "\0\0\0\0\0\0\0" "ặầẩẫấậè" "\0" "ẻẽéẹềểễếệìỉ" "\0\0\0" "ĩíịò" "\0"
    "ỏõóọồổỗốộờởỡớợù" "\0" "ủũúụừửữứựỳỷỹýỵ",
):
    if ch != "\0":
        TCVN3[ch] = byte

# VNI: the byte after a vowel for each hat/breve + tone, lower case (upper: byte - 0x20).
TONES = {"": "", "\u0301": "acute", "\u0300": "grave", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}
VNI_PLAIN = {"acute": 0xF9, "grave": 0xF8, "hook": 0xFB, "tilde": 0xF5, "dot": 0xEF}
VNI_CIRC = {"": 0xE2, "acute": 0xE1, "grave": 0xE0, "hook": 0xE5, "tilde": 0xE3, "dot": 0xE4}
VNI_BREVE = {"": 0xEA, "acute": 0xE9, "grave": 0xE8, "hook": 0xFA, "tilde": 0xFC, "dot": 0xEB}
VNI_I = {"acute": 0xED, "grave": 0xEC, "hook": 0xE6, "tilde": 0xF3, "dot": 0xF2}


def vni(ch):
    """The VNI bytes of one character, as Latin-1 characters."""
    if ch in "đĐ":
        return chr(0xF1 if ch == "đ" else 0xD1)
    d = unicodedata.normalize("NFD", ch)
    base, marks = d[0], d[1:]
    if base.lower() not in "aeiouy" or not marks:
        return ch
    up = base.isupper()
    shift = 0x20 if up else 0
    tone = next((TONES[m] for m in marks if m in TONES and m), "")
    out = base
    if "\u031b" in marks:  # horn: ơ ư are letters of their own
        out = chr((0xF4 if base.lower() == "o" else 0xF6) - shift)
    if base.lower() == "i" and tone:
        return chr(VNI_I[tone] - shift)
    if base.lower() == "y" and tone == "dot":
        return chr(0xEE - shift)
    if "\u0302" in marks:
        return out + chr(VNI_CIRC[tone] - shift)
    if "\u0306" in marks:
        return out + chr(VNI_BREVE[tone] - shift)
    if tone:
        return out + chr(VNI_PLAIN[tone] - shift)
    return out


VNTIME_CAPS = set("ĂÂÊÔƠƯĐ")


def tcvn3_runs(text):
    """[(font_style, chars)]: 'TV' for .VnTime, 'TH' for .VnTimeH."""
    runs = []
    for ch in text:
        if ch in TCVN3:
            style, out = "TV", chr(TCVN3[ch])
        elif ch.lower() in TCVN3 and ch.isupper() and ch not in VNTIME_CAPS:
            style, out = "TH", chr(TCVN3[ch.lower()])
        else:
            style, out = "TV", ch
        if runs and runs[-1][0] == style:
            runs[-1] = (style, runs[-1][1] + out)
        else:
            runs.append((style, out))
    return runs


MARKER = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.?\s|[a-zđ]\)|[-+•]\s|Điều \d+)")


def paragraphs(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    paras = []
    for line in lines:
        new = not paras or MARKER.match(line) or re.search(r"[.:;!?]\s*$", paras[-1]) \
            or (MARKER.match(paras[-1]) and len(paras[-1]) < 60 and paras[-1].isupper())
        if new:
            paras.append(line)
        else:
            paras[-1] += " " + line
    return paras


def main():
    args = sys.argv[1:]
    src, out = args[0], args[1]
    opts = {}
    i = 2
    while i < len(args):
        if args[i] == "--page-numbers":
            opts["page-numbers"] = True
            i += 1
        else:
            opts[args[i][2:]] = args[i + 1]
            i += 2
    margin = opts.get("margin", "2")
    size = opts.get("size", "13")
    enc = opts.get("encode")
    legacy_font = opts.get("font")
    body = []
    if "image" in opts:
        data = base64.b64encode(open(opts["image"], "rb").read()).decode()
        body.append('<text:p><draw:frame draw:name="scan" text:anchor-type="as-char" svg:width="16cm" '
                    'svg:height="22cm"><draw:image><office:binary-data>%s</office:binary-data>'
                    "</draw:image></draw:frame></text:p>" % data)
    else:
        text = open(src, encoding="utf-8").read()
        for k, p in enumerate(paragraphs(text)):
            mode = enc
            if enc == "mixed":
                mode = ("tcvn3", "vni", None)[k % 3]
            if mode == "tcvn3":
                spans = "".join('<text:span text:style-name="%s">%s</text:span>'
                                % ("LV" if legacy_font else s, escape(t)) for s, t in tcvn3_runs(p))
                body.append('<text:p text:style-name="Standard">%s</text:p>' % spans)
            elif mode == "vni":
                body.append('<text:p text:style-name="Standard"><text:span text:style-name="%s">%s</text:span></text:p>'
                            % ("LV" if legacy_font else "VN", escape("".join(vni(c) for c in p))))
            else:
                body.append('<text:p text:style-name="Standard">%s</text:p>' % escape(p))
    header = ""
    if "header" in opts:
        header = '<style:header><text:p>%s</text:p></style:header>' % escape(opts["header"])
    footer = ""
    if "page-numbers" in opts:
        footer = ('<style:footer><text:p text:style-name="Footer">Trang <text:page-number '
                  'text:select-page="current">1</text:page-number></text:p></style:footer>')
    doc = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'"/>
 <style:font-face style:name=".VnTime" svg:font-family=".VnTime"/>
 <style:font-face style:name=".VnTimeH" svg:font-family=".VnTimeH"/>
 <style:font-face style:name="VNI-Times" svg:font-family="VNI-Times"/>
 <style:font-face style:name="Legacy" svg:font-family="'{escape(legacy_font or "Times New Roman")}'"/>
</office:font-face-decls>
<office:styles>
 <style:style style:name="Standard" style:family="paragraph">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" fo:text-align="justify"/>
  <style:text-properties style:font-name="Liberation Serif" fo:font-size="{size}pt"/>
 </style:style>
 <style:style style:name="Footer" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:style style:name="TV" style:family="text"><style:text-properties style:font-name=".VnTime"/></style:style>
 <style:style style:name="TH" style:family="text"><style:text-properties style:font-name=".VnTimeH"/></style:style>
 <style:style style:name="VN" style:family="text"><style:text-properties style:font-name="VNI-Times"/></style:style>
 <style:style style:name="LV" style:family="text"><style:text-properties style:font-name="Legacy"/></style:style>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-top="{margin}cm" fo:margin-bottom="{margin}cm" fo:margin-left="{margin}cm" fo:margin-right="{margin}cm"/>
  <style:header-style/><style:footer-style/>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">{header}{footer}</style:master-page>
</office:master-styles>
<office:body><office:text>
{chr(10).join(body)}
</office:text></office:body>
</office:document>
"""
    open(out, "w", encoding="utf-8").write(doc)


if __name__ == "__main__":
    main()
