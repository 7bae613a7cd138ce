/*
 * The acronym lexicon: how an announcer reads the abbreviations of Vietnamese
 * administrative writing.  Built in, and extendable from a file of
 * `ACRONYM = "spoken form"` lines (tts.lexicon) without rebuilding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tts/tts.h"

static const char *const builtin[][2] = {
	/* issuing bodies and offices */
	{ "UBND", "ủy ban nhân dân" }, { "UB", "ủy ban" }, { "HĐND", "hội đồng nhân dân" },
	{ "MTTQ", "mặt trận tổ quốc" }, { "MTTQVN", "mặt trận tổ quốc việt nam" },
	{ "UBMTTQ", "ủy ban mặt trận tổ quốc" }, { "BCH", "ban chấp hành" },
	{ "BTV", "ban thường vụ" }, { "BTC", "ban tổ chức" }, { "BCĐ", "ban chỉ đạo" },
	{ "TW", "trung ương" }, { "TƯ", "trung ương" }, { "TU", "tỉnh ủy" }, { "HU", "huyện ủy" },
	{ "ĐU", "đảng ủy" }, { "TỦ", "thành ủy" }, { "CP", "chính phủ" }, { "TTg", "thủ tướng" },
	{ "QH", "quốc hội" }, { "UBTVQH", "ủy ban thường vụ quốc hội" },
	{ "BNV", "bộ nội vụ" }, { "BTP", "bộ tư pháp" }, { "BTTTT", "bộ thông tin và truyền thông" },
	{ "BVHTTDL", "bộ văn hóa thể thao và du lịch" }, { "BCA", "bộ công an" },
	{ "BQP", "bộ quốc phòng" }, { "BYT", "bộ y tế" }, { "BGDĐT", "bộ giáo dục và đào tạo" },
	{ "BTNMT", "bộ tài nguyên và môi trường" }, { "BKHĐT", "bộ kế hoạch và đầu tư" },
	{ "SVHTTDL", "sở văn hóa thể thao và du lịch" }, { "STTTT", "sở thông tin và truyền thông" },
	{ "SNV", "sở nội vụ" }, { "STP", "sở tư pháp" }, { "SKHCN", "sở khoa học và công nghệ" },
	{ "VPCP", "văn phòng chính phủ" }, { "VP", "văn phòng" }, { "TAND", "tòa án nhân dân" },
	{ "VKSND", "viện kiểm sát nhân dân" }, { "CA", "công an" }, { "QS", "quân sự" },
	{ "BHXH", "bảo hiểm xã hội" }, { "BHYT", "bảo hiểm y tế" }, { "KBNN", "kho bạc nhà nước" },
	{ "HTX", "hợp tác xã" }, { "LĐLĐ", "liên đoàn lao động" }, { "CCB", "cựu chiến binh" },
	{ "ĐTN", "đoàn thanh niên" }, { "TNCS", "thanh niên cộng sản" }, { "LHPN", "liên hiệp phụ nữ" },
	{ "HPN", "hội phụ nữ" }, { "HND", "hội nông dân" }, { "TDP", "tổ dân phố" },
	{ "KDC", "khu dân cư" }, { "TP", "thành phố" }, { "TX", "thị xã" }, { "TT", "thị trấn" },
	{ "VN", "việt nam" }, { "CHXHCN", "cộng hòa xã hội chủ nghĩa" },
	{ "CSVN", "cộng sản việt nam" }, { "ĐCSVN", "đảng cộng sản việt nam" },
	/* document types and signatures */
	{ "NQ", "nghị quyết" }, { "NĐ", "nghị định" }, { "QĐ", "quyết định" }, { "KH", "kế hoạch" },
	{ "CT", "chỉ thị" }, { "TB", "thông báo" }, { "CV", "công văn" }, { "BC", "báo cáo" },
	{ "HD", "hướng dẫn" }, { "KL", "kết luận" }, { "CĐ", "công điện" }, { "TTr", "tờ trình" },
	{ "QC", "quy chế" }, { "QĐ-UBND", "quyết định của ủy ban nhân dân" },
	{ "KT", "ký thay" }, { "TM", "thay mặt" }, { "TL", "thừa lệnh" }, { "TUQ", "thừa ủy quyền" },
	{ "VT", "văn thư" }, { "PCT", "phó chủ tịch" }, { "CT.UBND", "chủ tịch ủy ban nhân dân" },
	{ "TCVN", "tiêu chuẩn việt nam" }, { "ISO", "i sô" }, { "TTLT", "thông tư liên tịch" },
	/* domain terms */
	{ "CCHC", "cải cách hành chính" }, { "TTHC", "thủ tục hành chính" },
	{ "CBCC", "cán bộ công chức" }, { "CBCCVC", "cán bộ công chức viên chức" },
	{ "CBCNV", "cán bộ công nhân viên" }, { "CNTT", "công nghệ thông tin" },
	{ "KHCN", "khoa học công nghệ" }, { "KT-XH", "kinh tế xã hội" }, { "KTXH", "kinh tế xã hội" },
	{ "VHXH", "văn hóa xã hội" }, { "VH", "văn hóa" }, { "XH", "xã hội" },
	{ "ANTT", "an ninh trật tự" }, { "ATGT", "an toàn giao thông" }, { "QP", "quốc phòng" },
	{ "AN", "an ninh" }, { "QPAN", "quốc phòng an ninh" }, { "CSDL", "cơ sở dữ liệu" },
	{ "DVC", "dịch vụ công" }, { "DVCTT", "dịch vụ công trực tuyến" },
	{ "HTTT", "hệ thống thông tin" }, { "VNeID", "vê en ê ai đi" },
	{ "CCCD", "căn cước công dân" }, { "CMND", "chứng minh nhân dân" },
	{ "GCN", "giấy chứng nhận" }, { "GPLX", "giấy phép lái xe" }, { "ĐKKD", "đăng ký kinh doanh" },
	{ "NTM", "nông thôn mới" }, { "XDCB", "xây dựng cơ bản" }, { "GPMB", "giải phóng mặt bằng" },
	{ "BĐS", "bất động sản" }, { "DN", "doanh nghiệp" }, { "DNNVV", "doanh nghiệp nhỏ và vừa" },
	{ "HĐ", "hội đồng" }, { "NSNN", "ngân sách nhà nước" }, { "NS", "ngân sách" },
	{ "THCS", "trung học cơ sở" }, { "THPT", "trung học phổ thông" }, { "TH", "tiểu học" },
	{ "MN", "mầm non" }, { "GD", "giáo dục" }, { "GDĐT", "giáo dục và đào tạo" },
	{ "YT", "y tế" }, { "TYT", "trạm y tế" }, { "PCCC", "phòng cháy chữa cháy" },
	{ "PCTT", "phòng chống thiên tai" }, { "TKCN", "tìm kiếm cứu nạn" },
	{ "MTTQ-VN", "mặt trận tổ quốc việt nam" }, { "TNXH", "tệ nạn xã hội" },
	{ "HIV", "hát i vê" }, { "COVID", "cô vít" }, { "GDP", "giê đê pê" },
	{ "OCOP", "ô cốp" }, { "QR", "quy a" }, { "SMS", "ét em ét" }, { "OA", "ô a" },
	{ "AI", "trí tuệ nhân tạo" }, { "IT", "công nghệ thông tin" },
	{ "VNPT", "vê en pê tê" }, { "VTV", "vê tê vê" }, { "VOV", "vê ô vê" },
	{ "CCVC", "công chức viên chức" }, { "NLĐ", "người lao động" },
	{ "VPĐKĐĐ", "văn phòng đăng ký đất đai" }, { "TN&MT", "tài nguyên và môi trường" },
	{ "TNMT", "tài nguyên môi trường" }, { "LĐTBXH", "lao động thương binh và xã hội" },
	{ "NH", "ngân hàng" }, { "NHCSXH", "ngân hàng chính sách xã hội" },
	/* indices */
	{ "PAR", "pa" }, { "INDEX", "in đếch" }, { "SIPAS", "si pát" }, { "PAPI", "pa pi" },
	{ "PCI", "pê xê i" }, { "DTI", "đê tê i" }, { "DDCI", "đê đê xê i" }, { "DGI", "đê giê i" },
	{ "ICT", "i xê tê" }, { "SDG", "ét đê giê" },
	/* written abbreviations */
	{ "SĐT", "số điện thoại" }, { "ĐT", "điện thoại" }, { "b/c", "báo cáo" },
	{ "t/h", "thực hiện" }, { "P.", "phường" }, { "Q.", "quận" }, { "Tp", "thành phố" },
	{ "TP.", "thành phố" }, { "Tp.", "thành phố" }, { "HCM", "hồ chí minh" },
	{ "TP.HCM", "thành phố hồ chí minh" }, { "TPHCM", "thành phố hồ chí minh" },
	{ "HN", "hà nội" }, { "QL", "quốc lộ" }, { "Đ/c", "đồng chí" }, { "đ/c", "đồng chí" },
	{ "Đ/C", "đồng chí" }, { "TTĐT", "thông tin điện tử" }, { "SN", "sinh năm" },
	{ "USD", "đô la mỹ" }, { "VND", "việt nam đồng" }, { "VNĐ", "việt nam đồng" },
	{ "EUR", "ơ rô" },
	/* units written without a number before them: "Km 15+500", "đơn vị: kg" */
	{ "km", "ki lô mét" }, { "Km", "ki lô mét" }, { "KM", "ki lô mét" }, { "kg", "ki lô gam" },
	{ "Kg", "ki lô gam" }, { "cm", "xen ti mét" }, { "mm", "mi li mét" }, { "ml", "mi li lít" },
	{ "mg", "mi li gam" },
	/* what else a commune loudspeaker reads: health, weather, farming, schools */
	{ "ATTP", "an toàn thực phẩm" }, { "VSATTP", "vệ sinh an toàn thực phẩm" },
	{ "ATVSTP", "an toàn vệ sinh thực phẩm" }, { "TTYT", "trung tâm y tế" },
	{ "BVĐK", "bệnh viện đa khoa" }, { "BV", "bệnh viện" }, { "KCN", "khu công nghiệp" },
	{ "CCN", "cụm công nghiệp" }, { "BHTN", "bảo hiểm thất nghiệp" }, { "UBKT", "ủy ban kiểm tra" },
	{ "ĐBQH", "đại biểu quốc hội" }, { "BQL", "ban quản lý" }, { "KTTV", "khí tượng thủy văn" },
	{ "ATLĐ", "an toàn lao động" }, { "GTVT", "giao thông vận tải" },
	{ "NN&PTNT", "nông nghiệp và phát triển nông thôn" },
	{ "NNPTNT", "nông nghiệp và phát triển nông thôn" }, { "TNHH", "trách nhiệm hữu hạn" },
	{ "XHCN", "xã hội chủ nghĩa" }, { "DTTS", "dân tộc thiểu số" }, { "ĐBKK", "đặc biệt khó khăn" },
	{ "HSSV", "học sinh sinh viên" }, { "CLB", "câu lạc bộ" }, { "TDTT", "thể dục thể thao" },
	{ "CTV", "cộng tác viên" }, { "NHNN", "ngân hàng nhà nước" }, { "ĐH", "đại học" },
	{ "ĐHĐCĐ", "đại hội đồng cổ đông" }, { "UBMT", "ủy ban mặt trận" }, { "CSGT", "cảnh sát giao thông" },
	{ "PCCN", "phòng cháy chữa cháy" },
	{ "PCTT&TKCN", "phòng chống thiên tai và tìm kiếm cứu nạn" }, { "ATNĐ", "áp thấp nhiệt đới" },
	{ "Covid", "cô vít" }, { "WHO", "tổ chức y tế thế giới" }, { "ASEAN", "a xê an" },
};

struct entry {
	char *key, *spoken;
};

/* Entries in an array, found through an open-addressing hash of their keys:
 * the normalizer asks for every word it reads. */
struct tts_lexicon {
	struct entry *e;
	size_t n, cap;
	size_t *slots; /* index + 1 into e, 0 = empty */
	size_t nslots; /* a power of two, at least twice n */
};

static size_t
hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct entry *
find(const struct tts_lexicon *lex, const char *key)
{
	if (!lex->nslots)
		return NULL;
	for (size_t i = hash(key) & (lex->nslots - 1);; i = (i + 1) & (lex->nslots - 1)) {
		size_t k = lex->slots[i];
		if (!k)
			return NULL;
		if (strcmp(lex->e[k - 1].key, key) == 0)
			return &lex->e[k - 1];
	}
}

static void
rehash(struct tts_lexicon *lex)
{
	size_t want = 64;
	while (want < 2 * (lex->n + 1))
		want *= 2;
	if (want != lex->nslots) {
		free(lex->slots);
		lex->slots = xcalloc(want, sizeof *lex->slots);
		lex->nslots = want;
		for (size_t j = 0; j < lex->n; j++) {
			size_t i = hash(lex->e[j].key) & (want - 1);
			while (lex->slots[i])
				i = (i + 1) & (want - 1);
			lex->slots[i] = j + 1;
		}
	}
}

struct tts_lexicon *
tts_lexicon_new(void)
{
	struct tts_lexicon *lex = xcalloc(1, sizeof *lex);
	for (size_t i = 0; i < ARRAY_LEN(builtin); i++)
		tts_lexicon_add(lex, builtin[i][0], builtin[i][1], NULL);
	return lex;
}

void
tts_lexicon_free(struct tts_lexicon *lex)
{
	if (!lex)
		return;
	for (size_t i = 0; i < lex->n; i++) {
		free(lex->e[i].key);
		free(lex->e[i].spoken);
	}
	free(lex->e);
	free(lex->slots);
	free(lex);
}

int
tts_lexicon_add(struct tts_lexicon *lex, const char *acronym, const char *spoken, char *err)
{
	if (!*acronym || !*spoken || utf8_check(acronym, strlen(acronym), NULL) < 0 ||
	    utf8_check(spoken, strlen(spoken), NULL) < 0) {
		err_set(err, _("An acronym and its spoken form must be non-empty UTF-8."));
		return -1;
	}
	char *key = utf8_nfc(acronym);
	struct entry *e = find(lex, key);
	if (e) {
		free(key);
		free(e->spoken);
		e->spoken = utf8_nfc(spoken);
		return 0;
	}
	if (lex->n == lex->cap)
		lex->e = xrealloc(lex->e, (lex->cap = lex->cap ? lex->cap * 2 : 256) * sizeof *lex->e);
	lex->e[lex->n++] = (struct entry){ key, utf8_nfc(spoken) };
	if (2 * lex->n > lex->nslots) {
		rehash(lex);
	} else {
		size_t i = hash(key) & (lex->nslots - 1);
		while (lex->slots[i])
			i = (i + 1) & (lex->nslots - 1);
		lex->slots[i] = lex->n;
	}
	return 0;
}

int
tts_lexicon_load(struct tts_lexicon *lex, const char *path, char *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		err_set(err, _("%s:0: cannot read the lexicon: %s"), path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int no = 0, rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		no++;
		char *p = line + strspn(line, " \t");
		if (*p == '#' || *p == '\n' || *p == '\r' || !*p)
			continue;
		char *eq = strchr(p, '=');
		char *q1 = eq ? strchr(eq, '"') : NULL;
		char *q2 = q1 ? strrchr(q1 + 1, '"') : NULL;
		if (!eq || !q1 || !q2 || q2 == q1) {
			err_set(err, _("%s:%d: write ACRONYM = \"spoken form\" (got %.60s)"), path, no, p);
			rc = -1;
			break;
		}
		char *end = eq;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		char *key = xstrndup(p, (size_t)(end - p));
		char *spoken = xstrndup(q1 + 1, (size_t)(q2 - q1 - 1));
		char e2[ERRLEN];
		if (strchr(key, ' ') || tts_lexicon_add(lex, key, spoken, e2) < 0) {
			err_set(err, _("%s:%d: an acronym is one word of UTF-8 and its spoken form is not empty (got %.60s)"),
				path, no, p);
			rc = -1;
		}
		free(key);
		free(spoken);
		if (rc < 0)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}

const char *
tts_lexicon_lookup(const struct tts_lexicon *lex, const char *acronym)
{
	struct entry *e = find(lex, acronym);
	return e ? e->spoken : NULL;
}

size_t
tts_lexicon_size(const struct tts_lexicon *lex)
{
	return lex->n;
}
