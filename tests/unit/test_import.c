/*
 * Unit tests for import/: legacy encodings (the TCVN3 table checked byte by
 * byte against glibc's iconv, VNI against text typed in it, capitals fonts,
 * the guess that leaves Unicode alone), the repair pass on PDF-like text
 * (headers, footers, page numbers, split syllables, hyphens, headings on
 * their own lines, lost letters left for the lint), sections, the kind of
 * file by content, and DOCX/ODT built here with libzip: numbering, tables,
 * footnotes and deleted text left out, runs in three encodings, zip bombs.
 * The CLI tests (tests/cli/test_import.sh) import files LibreOffice makes.
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zip.h>

#include "base/base.h"
#include "import/import.h"
#include "import/import_int.h" /* the font names, private to import/ */

/* ---- legacy encodings ---- */

static char *
conv(const char *s, const char *enc, int *did)
{
	return import_legacy_convert(s, strlen(s), enc, did);
}

/* The TCVN3 letters agree with glibc's TCVN5712-1 for every byte .VnTime uses. */
static void
tcvn3_table_matches_iconv(void **state)
{
	iconv_t cd = iconv_open("UTF-8", "TCVN5712-1");
	assert_true(cd != (iconv_t)-1);
	int checked = 0;
	for (int b = 0xA1; b <= 0xFF; b++) {
		char in[1] = { (char)b }, out[16] = { 0 };
		char *ip = in, *op = out;
		size_t il = 1, ol = sizeof out - 1;
		iconv(cd, NULL, NULL, NULL, NULL);
		/* glibc holds a letter back for a combining mark: flush it */
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
		    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1 || !out[0])
			continue;
		/* the byte as Word keeps it: U+00A1..U+00FF in UTF-8 */
		char stored[4];
		stored[utf8_encode((uint32_t)b, stored)] = 0;
		int did;
		char *got = conv(stored, "tcvn3", &did);
		char *want = utf8_nfc(out);
		if (strcmp(got, want) != 0)
			fail_msg("TCVN3 byte 0x%02X: got \"%s\", iconv says \"%s\"", b, got, want);
		free(got);
		free(want);
		checked++;
	}
	iconv_close(cd);
	assert_true(checked >= 90);
}

static void
legacy_text(void **state)
{
	int did;
	/* "Thông báo Ủy ban nhân dân phường Giếng Đáy" typed in VNI */
	char *t = conv("Tho\xc3\xa2ng ba\xc3\xb9o U\xc3\x9by ban nha\xc3\xa2n da\xc3\xa2n "
		       "ph\xc3\xb6\xc3\xb4\xc3\xb8ng Gie\xc3\xa1ng \xc3\x91""a\xc3\xb9y", "vni", &did);
	assert_string_equal(t, "Thông báo Ủy ban nhân dân phường Giếng Đáy");
	assert_true(did);
	free(t);
	/* "Thông báo các xã" typed in TCVN3: Th«ng b¸o c¸c x· */
	t = conv("Th\xc2\xabng b\xc2\xb8o c\xc2\xb8""c x\xc2\xb7", "tcvn3", &did);
	assert_string_equal(t, "Thông báo các xã");
	free(t);
	/* .VnTimeH: the same bytes draw capitals: "MỤC TIÊU" is typed "MôC TIªU" */
	t = conv("M\xc3\xb4""C TI\xc2\xaaU", "tcvn3-upper", &did);
	assert_string_equal(t, "MỤC TIÊU");
	free(t);
	/* no font name: the reading that makes syllables wins */
	t = conv("Th\xc2\xabng b\xc2\xb8o vÒ viÖc tæ chøc", NULL, &did);
	assert_string_equal(t, "Thông báo về việc tổ chức");
	assert_true(did);
	free(t);
	t = conv("Tho\xc3\xa2ng ba\xc3\xb9o ve\xc3\xa0 vie\xc3\xa4""c to\xc3\xa5 ch\xc3\xb6\xc3\xb9""c", NULL, &did);
	assert_string_equal(t, "Thông báo về việc tổ chức");
	free(t);
	/* Unicode text, even when all its letters are in Latin-1, is left alone */
	t = conv("Tôi là ai, tôi ở đâu? Chào các bạn", NULL, &did);
	assert_string_equal(t, "Tôi là ai, tôi ở đâu? Chào các bạn");
	assert_false(did);
	free(t);
	/* too few words to tell: as it is (a PDF fragment "Nhâ" is no TCVN3 "Nhõ") */
	t = conv("Nhâ", NULL, &did);
	assert_string_equal(t, "Nhâ");
	free(t);
	/* font names, as DOCX, ODT and PDF (subset tag, style) give them */
	assert_int_equal(imp_font_encoding(".VnTime"), IMP_ENC_TCVN3);
	assert_int_equal(imp_font_encoding("ABCDEF+.VnTimeH,Bold"), IMP_ENC_TCVN3_UPPER);
	assert_int_equal(imp_font_encoding(".VnArialH-Italic"), IMP_ENC_TCVN3_UPPER);
	assert_int_equal(imp_font_encoding(".VnBook-AntiquaH"), IMP_ENC_TCVN3_UPPER);
	assert_int_equal(imp_font_encoding(".VnBook-Antiqua"), IMP_ENC_TCVN3);
	assert_int_equal(imp_font_encoding("VNI-Times"), IMP_ENC_VNI);
	assert_int_equal(imp_font_encoding("Times New Roman"), IMP_ENC_GUESS);
	assert_int_equal(imp_font_encoding(NULL), IMP_ENC_GUESS);
	/* a run with characters no legacy font holds is Unicode whatever the font */
	t = conv("Thông báo về việc", "tcvn3", &did);
	assert_string_equal(t, "Thông báo về việc");
	assert_false(did);
	free(t);
}

/* ---- repair ---- */

static char *
repair(const char *text, unsigned long rep[IMPORT_N_REPAIRS])
{
	memset(rep, 0, IMPORT_N_REPAIRS * sizeof *rep);
	return import_repair_text(text, strlen(text), rep);
}

static void
repair_pages(void **state)
{
	unsigned long rep[IMPORT_N_REPAIRS];
	/* three pages, a header and a page number on each, a paragraph running across */
	const char *text =
		"UBND PHƯỜNG GIẾNG ĐÁY\n"
		"I. MỤC ĐÍCH, YÊU CẦU\n"
		"1. Mục đích\n"
		"- Nâng cao nhận thức của cán bộ, công chức và nhân dân về cải cách hành\n"
		"chính, thủ tục hành chính trên địa bàn phường; tuyên truyền rộng khắp ở\n"
		"các khu phố và tổ dân phố.\n"
		"1\f"
		"UBND PHƯỜNG GIẾNG ĐÁY\n"
		"a) Tuyên truyền trên hệ thống loa truyền thanh cơ sở của phường và trên các\n"
		"trang mạng xã hội, nhóm Zalo của khu phố, nhất là về dịch vụ công trực\n"
		"tuyến và thanh toán trực tuyến phí, lệ phí khi giải quyết thủ tục của T\n"
		"ỉnh.\n"
		"2\f"
		"UBND PHƯỜNG GIẾNG ĐÁY\n"
		"b) Thời gian: cả năm 2025.\n"
		"3\n";
	char *t = repair(text, rep);
	assert_string_equal(
		t, "I. MỤC ĐÍCH, YÊU CẦU\n\n"
		   "1. Mục đích\n\n"
		   "- Nâng cao nhận thức của cán bộ, công chức và nhân dân về cải cách hành "
		   "chính, thủ tục hành chính trên địa bàn phường; tuyên truyền rộng khắp ở "
		   "các khu phố và tổ dân phố.\n\n"
		   "a) Tuyên truyền trên hệ thống loa truyền thanh cơ sở của phường và trên các "
		   "trang mạng xã hội, nhóm Zalo của khu phố, nhất là về dịch vụ công trực "
		   "tuyến và thanh toán trực tuyến phí, lệ phí khi giải quyết thủ tục của Tỉnh.\n\n"
		   "b) Thời gian: cả năm 2025.");
	assert_int_equal(rep[IMPORT_HEADERS_DROPPED], 3);
	assert_int_equal(rep[IMPORT_PAGE_NUMBERS_DROPPED], 3);
	assert_int_equal(rep[IMPORT_SYLLABLES_JOINED], 1);
	assert_int_equal(rep[IMPORT_LINES_JOINED], 5);
	free(t);
}

static void
repair_words(void **state)
{
	unsigned long rep[IMPORT_N_REPAIRS];
	/*
	 * a stray space inside a syllable is closed when neither part is one;
	 * lost letters ("đ u") and a part that is a syllable ("Tr ường") are left
	 * for the lint
	 */
	char *t = repair("Mái nhà ngh iêng ở đ u làng, Tr ường học xã.", rep);
	assert_string_equal(t, "Mái nhà nghiêng ở đ u làng, Tr ường học xã.");
	assert_int_equal(rep[IMPORT_SYLLABLES_JOINED], 1);
	free(t);
	/* a space lost between two syllables comes back; loanwords, acronyms and names stay */
	t = repair("Việc giảiquyết thủ tục theo chủtrương của HàNội qua Zalo, Facebook, UBND, internet.", rep);
	assert_string_equal(t, "Việc giải quyết thủ tục theo chủ trương của Hà Nội qua Zalo, Facebook, UBND, internet.");
	assert_int_equal(rep[IMPORT_SPACES_RESTORED], 3);
	free(t);
	/* split inside iê / ươ, each part passing the check alone; two words run together, then split */
	t = repair("Ủy ban nhân dân phường tổ chức tuyên truy\nền cải cách hành chính ở các khu phố và đư\n"
		   "ờng giao thông liên thôn và trách nhiệm nhiệ\nm.\n", rep);
	assert_string_equal(t, "Ủy ban nhân dân phường tổ chức tuyên truyền cải cách hành chính ở các khu phố và "
			       "đường giao thông liên thôn và trách nhiệm nhiệm.");
	assert_int_equal(rep[IMPORT_SYLLABLES_JOINED], 3);
	free(t);
	t = repair("Ủy ban nhân dân phường đề nghị các hộ dân nâng cao ý thức tráchnhiệ\nm của mình.\n", rep);
	assert_string_equal(t, "Ủy ban nhân dân phường đề nghị các hộ dân nâng cao ý thức trách nhiệm của mình.");
	assert_int_equal(rep[IMPORT_SYLLABLES_JOINED], 1);
	assert_int_equal(rep[IMPORT_SPACES_RESTORED], 1);
	free(t);
	/* spaces made one */
	t = repair("Thông  báo   lịch tiêm.", rep);
	assert_string_equal(t, "Thông báo lịch tiêm.");
	assert_int_equal(rep[IMPORT_SPACES_FIXED], 2);
	free(t);
	/* a hyphen that is part of the text stays, one that breaks a word goes */
	t = repair("Theo Quyết định số 12/QĐ-\nUBND về phát triển kinh tế -\nxã hội, trang mạng xã hội Fa-\ncebook của xã.\n", rep);
	assert_string_equal(t, "Theo Quyết định số 12/QĐ-UBND về phát triển kinh tế - xã hội, trang mạng xã hội Facebook của xã.");
	assert_int_equal(rep[IMPORT_HYPHENS_REMOVED], 1);
	free(t);
	/* two syllables either side of a line end are two words */
	t = repair("Ủy ban nhân dân phường Giếng Đáy thông báo cho toàn thể nhân\ndân biết.\n", rep);
	assert_string_equal(t, "Ủy ban nhân dân phường Giếng Đáy thông báo cho toàn thể nhân dân biết.");
	assert_int_equal(rep[IMPORT_SYLLABLES_JOINED], 0);
	free(t);
	/* a short line ends its paragraph; a heading stands alone */
	t = repair("Kính gửi các hộ dân.\nTrân trọng.\nII. NỘI DUNG\nThông báo về lịch tiêm phòng cho đàn gia súc và gia cầm trong toàn xã.\n", rep);
	assert_string_equal(t, "Kính gửi các hộ dân.\n\nTrân trọng.\n\nII. NỘI DUNG\n\nThông báo về lịch tiêm phòng cho đàn gia súc và gia cầm trong toàn xã.");
	free(t);
	/* a full line, then a list marker: the marker alone opens a new paragraph */
	t = repair("Các việc tuyên truyền trên loa của phường trong năm nay gồm có những việc\n"
		   "a) Lịch tiêm phòng cho đàn gia súc;\n"
		   "b) Lịch nộp thuế của các hộ kinh doanh cá thể trên địa bàn phường.\n", rep);
	assert_string_equal(t, "Các việc tuyên truyền trên loa của phường trong năm nay gồm có những việc\n\n"
			       "a) Lịch tiêm phòng cho đàn gia súc;\n\n"
			       "b) Lịch nộp thuế của các hộ kinh doanh cá thể trên địa bàn phường.");
	free(t);
}

static void
select_sections(void **state)
{
	const char *text = "KẾ HOẠCH\n\nI. MỤC ĐÍCH\n\n1. Mục đích\n\nNâng cao.\n\n2. Yêu cầu\n\n"
			   "Thiết thực.\n\nII. NỘI DUNG\n\n1. Đối tượng\n\nCán bộ.\n\n2. Nội dung\n\n"
			   "a) Tuyên truyền.\n\nb) Thông tin.\n\nIII. TỔ CHỨC\n\nCác bộ phận.";
	char err[ERRLEN];
	char *s = import_select(text, "II.2", err);
	assert_non_null(s);
	assert_string_equal(s, "2. Nội dung\n\na) Tuyên truyền.\n\nb) Thông tin.");
	free(s);
	s = import_select(text, "II.2.b", err);
	assert_string_equal(s, "b) Thông tin.");
	free(s);
	s = import_select(text, "I", err);
	assert_string_equal(s, "I. MỤC ĐÍCH\n\n1. Mục đích\n\nNâng cao.\n\n2. Yêu cầu\n\nThiết thực.");
	free(s);
	s = import_select(text, "3-4", err);
	assert_string_equal(s, "1. Mục đích\n\nNâng cao.");
	free(s);
	assert_null(import_select(text, "IV", err));
	assert_non_null(strstr(err, "no heading \"IV\""));
	assert_null(import_select(text, "40-41", err));
	assert_non_null(strstr(err, "paragraphs 1 to 14"));
}

/* ---- files ---- */

static void
sniff(void **state)
{
	enum import_format f;
	char err[ERRLEN];
	assert_int_equal(import_sniff("x.pdf", "MZ\x90\0\3\0\0\0", 8, &f, err), -1);
	assert_non_null(strstr(err, "x.pdf is a Windows program"));
	assert_int_equal(import_sniff("x.pdf", "%PDF-1.7\n", 9, &f, err), 0);
	assert_int_equal(f, IMPORT_PDF);
	assert_int_equal(import_sniff("x.docx", "PK\3\4garbage", 11, &f, err), -1);
	assert_non_null(strstr(err, "corrupt"));
	assert_int_equal(import_sniff("x.txt", "Xin chào", 9, &f, err), 0);
	assert_int_equal(f, IMPORT_TEXT);
	assert_int_equal(import_sniff("x.doc", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, &f, err), -1);
	assert_non_null(strstr(err, "save it as .docx"));
}

struct part {
	const char *name, *body;
};

/* A zip of the parts, in memory; caller frees. */
static char *
make_zip(const struct part *p, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, p[i].body, strlen(p[i].body), 0);
		assert_true(zip_file_add(z, p[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	zip_source_open(src);
	zip_source_seek(src, 0, SEEK_END);
	*len = (size_t)zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	char *buf = xmalloc(*len);
	assert_int_equal(zip_source_read(src, buf, *len), (zip_int64_t)*len);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return buf;
}

#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static void
docx_structure(void **state)
{
	const struct part parts[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "word/numbering.xml",
		  "<w:numbering " W "><w:abstractNum w:abstractNumId=\"0\">"
		  "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
		  "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%2.\"/></w:lvl>"
		  "<w:lvl w:ilvl=\"2\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xef\x82\xb7\"/></w:lvl>"
		  "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>" },
		{ "word/styles.xml",
		  "<w:styles " W "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\"/></w:rPr></w:rPrDefault></w:docDefaults>"
		  "<w:style w:styleId=\"Heading1\"><w:pPr><w:numPr><w:numId w:val=\"1\"/><w:ilvl w:val=\"0\"/></w:numPr></w:pPr></w:style>"
		  "<w:style w:styleId=\"Cu\"><w:rPr><w:rFonts w:ascii=\".VnTime\" w:hAnsi=\".VnTime\"/></w:rPr></w:style></w:styles>" },
		{ "word/document.xml",
		  "<w:document " W "><w:body>"
		  "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>MỤC ĐÍCH</w:t></w:r></w:p>"
		  "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>Mục đích</w:t></w:r></w:p>"
		  "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"2\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t xml:space=\"preserve\">Nâng </w:t></w:r>"
		  "<w:del><w:r><w:delText>bỏ đi</w:delText></w:r></w:del><w:r><w:t>cao</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r>"
		  "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>.</w:t></w:r></w:p>"
		  "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>NỘI DUNG</w:t></w:r></w:p>"
		  "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>Đối tượng</w:t></w:r></w:p>"
		  /* three encodings in one paragraph: TCVN3 by style, VNI by run font, Unicode */
		  "<w:p><w:r><w:rPr><w:rStyle w:val=\"Cu\"/></w:rPr><w:t xml:space=\"preserve\">Th\xc2\xabng b\xc2\xb8o </w:t></w:r>"
		  "<w:r><w:rPr><w:rFonts w:ascii=\"VNI-Times\" w:hAnsi=\"VNI-Times\"/></w:rPr><w:t xml:space=\"preserve\">lòch tieâm </w:t></w:r>"
		  "<w:r><w:t>phòng.</w:t></w:r></w:p>"
		  "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>TT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Nội dung</w:t></w:r></w:p></w:tc></w:tr>"
		  "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Tiêm phòng</w:t></w:r></w:p><w:p><w:r><w:t>dại</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
		  "<w:sectPr/></w:body></w:document>" },
		{ "word/footnotes.xml", "<w:footnotes " W "><w:footnote w:id=\"1\"><w:p><w:r><w:t>Chú thích</w:t></w:r></w:p></w:footnote></w:footnotes>" },
	};
	size_t len;
	char *zip = make_zip(parts, ARRAY_LEN(parts), &len);
	struct import_result r;
	char err[ERRLEN];
	int rc = import_document("kh.docx", zip, len, &r, err);
	if (rc < 0)
		fail_msg("%s", err);
	assert_int_equal(r.format, IMPORT_DOCX);
	assert_string_equal(r.text, "I. MỤC ĐÍCH\n\n1. Mục đích\n\n- Nâng cao.\n\nII. NỘI DUNG\n\n1. Đối tượng\n\n"
				    "Thông báo lịch tiêm phòng.\n\nTT, Nội dung.\n\n1, Tiêm phòng dại.");
	assert_int_equal(r.paragraphs, 8);
	assert_int_equal(r.repairs[IMPORT_TCVN3_RUNS], 1);
	assert_int_equal(r.repairs[IMPORT_VNI_RUNS], 1);
	import_result_clear(&r);
	free(zip);
}

#define ODT_NS "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	       "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "    \
	       "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "  \
	       "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\""

static void
odt_structure(void **state)
{
	const struct part parts[] = {
		{ "mimetype", "application/vnd.oasis.opendocument.text" },
		{ "content.xml",
		  "<office:document-content " ODT_NS "><office:font-face-decls>"
		  "<style:font-face style:name=\"H\" svg:font-family=\"'.VnTimeH'\"/></office:font-face-decls>"
		  "<office:automatic-styles><style:style style:name=\"T1\" style:family=\"text\"><style:text-properties style:font-name=\"H\"/></style:style>"
		  "<text:list-style style:name=\"L1\"><text:list-level-style-number text:level=\"1\" style:num-format=\"a\" style:num-suffix=\")\"/></text:list-style>"
		  "</office:automatic-styles><office:body><office:text>"
		  "<text:h text:outline-level=\"1\"><text:span text:style-name=\"T1\">k\xc3\x95 ho\xc2\xb9""ch</text:span></text:h>"
		  "<text:p>Tuyên<text:s text:c=\"2\"/>truyền<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Ghi chú</text:p></text:note-body></text:note> CCHC.</text:p>"
		  "<text:list text:style-name=\"L1\"><text:list-item><text:p>Loa truyền thanh;</text:p></text:list-item>"
		  "<text:list-item><text:p>Mạng xã hội.</text:p></text:list-item></text:list>"
		  "</office:text></office:body></office:document-content>" },
	};
	size_t len;
	char *zip = make_zip(parts, ARRAY_LEN(parts), &len);
	struct import_result r;
	char err[ERRLEN];
	if (import_document("kh.odt", zip, len, &r, err) < 0)
		fail_msg("%s", err);
	assert_int_equal(r.format, IMPORT_ODT);
	assert_string_equal(r.text, "KẾ HOẠCH\n\nTuyên truyền CCHC.\n\na) Loa truyền thanh;\n\nb) Mạng xã hội.");
	assert_int_equal(r.repairs[IMPORT_SPACES_FIXED], 1);
	import_result_clear(&r);
	free(zip);
}

static void
zip_bomb(void **state)
{
	/* 40 MB of one character deflates to some 40 KB: far past 100 times its size */
	size_t big = (size_t)40 << 20;
	char *body = xmalloc(big + 64);
	strcpy(body, "<w:document " W "><w:body><w:p><w:r><w:t>");
	size_t k = strlen(body);
	memset(body + k, 'a', big - k - 64);
	strcpy(body + big - 64, "</w:t></w:r></w:p></w:body></w:document>");
	const struct part parts[] = { { "word/document.xml", body } };
	size_t len;
	char *zip = make_zip(parts, 1, &len);
	free(body);
	assert_true(len < ((size_t)1 << 20));
	struct import_result r;
	char err[ERRLEN];
	assert_int_equal(import_document("bom.docx", zip, len, &r, err), -1);
	assert_non_null(strstr(err, "zip bomb"));
	assert_null(r.text);
	free(zip);
	/* damaged XML and a missing body are sentences too */
	const struct part bad[] = { { "word/document.xml", "<w:document><w:body><w:p>" } };
	zip = make_zip(bad, 1, &len);
	assert_int_equal(import_document("hong.docx", zip, len, &r, err), -1);
	assert_non_null(strstr(err, "hong.docx is damaged: word/document.xml is not well-formed XML"));
	free(zip);
}

int
main(void)
{
	setenv("LC_ALL", "C.UTF-8", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcvn3_table_matches_iconv),
		cmocka_unit_test(legacy_text),
		cmocka_unit_test(repair_pages),
		cmocka_unit_test(repair_words),
		cmocka_unit_test(select_sections),
		cmocka_unit_test(sniff),
		cmocka_unit_test(docx_structure),
		cmocka_unit_test(odt_structure),
		cmocka_unit_test(zip_bomb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
