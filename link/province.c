/*
 * loaxa-province: the province's side of the link.  This file holds the
 * subcommand table and the short ones: keygen, publish (sign and send a
 * bulletin), acl (the broker's access list for the communes file) and
 * receipts; collect.c runs the collector, preport.c writes the report and
 * the status of the communes.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <mosquitto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio/audio.h"
#include "base/base.h"
#include "config/config.h"
#include "link/link.h"
#include "link/link_int.h"
#include "store/store_province.h"

#define CONNECT_TIMEOUT_MS 10000

int
link_error(const char *fmt, ...)
{
	va_list ap;
	fputs("loaxa-province: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
link_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "loaxa-province %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, _("\nTry 'loaxa-province %s --help'.\n"), cmd);
	return 2;
}

/* ---- the communes file ---- */

int
link_communes_load(const struct config *cfg, struct link_communes *out, char *err)
{
	memset(out, 0, sizeof *out);
	const char *path = cfg->link.communes_file;
	if (!path)
		return 0;
	char *text;
	size_t len;
	if (file_read_all(path, 64 << 20, &text, &len, err) < 0)
		return -1;
	size_t bad;
	if (utf8_check(text, len, &bad) < 0) {
		err_set(err, _("%s is not UTF-8 text (bad byte at offset %zu)."), path, bad);
		free(text);
		return -1;
	}
	int ln = 0, rc = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		ln++;
		line[strcspn(line, "#\r")] = 0;
		char *id = strtok(line, " \t");
		if (!id)
			continue;
		char *district = strtok(NULL, " \t");
		char *name = strtok(NULL, "");
		if (!link_id_valid(id) || !district || !link_id_valid(district)) {
			err_set(err, _("%s:%d: a line is \"COMMUNE DISTRICT NAME\", ids of letters, digits, '-' and '_' (got \"%.64s\")"),
				path, ln, id);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < out->n; i++)
			if (strcmp(out->c[i].id, id) == 0) {
				err_set(err, _("%s:%d: commune %s is listed twice"), path, ln, id);
				rc = -1;
			}
		if (rc < 0)
			break;
		out->c = xrealloc(out->c, (out->n + 1) * sizeof *out->c);
		while (name && (*name == ' ' || *name == '\t'))
			name++;
		out->c[out->n++] = (struct link_commune){ xstrdup(id), xstrdup(district),
							  name && *name ? xstrdup(name) : NULL };
	}
	free(text);
	if (rc < 0)
		link_communes_free(out);
	return rc;
}

void
link_communes_free(struct link_communes *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->c[i].id);
		free(l->c[i].district);
		free(l->c[i].name);
	}
	free(l->c);
	memset(l, 0, sizeof *l);
}

struct store_province *
link_province_store(const struct config *cfg, char *err)
{
	struct link_communes cl;
	if (link_communes_load(cfg, &cl, err) < 0)
		return NULL;
	struct store_province *p;
	if (store_province_open(cfg->link.province_state_dir, &p, err) < 0) {
		link_communes_free(&cl);
		return NULL;
	}
	int rc = store_province_begin(p, err);
	for (size_t i = 0; rc == 0 && i < cl.n; i++)
		rc = store_province_commune_set(p, cl.c[i].id, cl.c[i].district, cl.c[i].name, err);
	if (rc == 0)
		rc = store_province_commit(p, err);
	link_communes_free(&cl);
	if (rc < 0) {
		store_province_rollback(p);
		store_province_close(p);
		return NULL;
	}
	return p;
}

static int
need_province(const struct config *cfg)
{
	if (cfg->link.province)
		return 0;
	return link_error(_("link.province is not set in %s; the province side needs its id (see loaxa-link(8))."),
			  cfg->path ? cfg->path : _("the configuration"));
}

/* ---- keygen ---- */

static int
keygen(struct config *cfg, int argc, char **argv)
{
	const char *out = cfg->link.secret_key_file;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf(_("Usage: loaxa-province keygen [--out FILE]\n\n"
				 "Makes the province's Ed25519 signing key in FILE (default link.secret_key_file;\n"
				 "mode 0600, never overwritten) and prints the public key, which every commune\n"
				 "puts in link.province_key.\n"));
			return 0;
		} else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else {
			return link_usage("keygen", _("unexpected argument '%s'"), argv[i]);
		}
	}
	if (!out)
		return link_usage("keygen", _("give --out FILE or set link.secret_key_file"));
	char err[ERRLEN], pub[LINK_PK_B64];
	if (link_keygen(out, pub, err) < 0)
		return link_error("%s", err);
	printf("%s\n", pub);
	return 0;
}

/* ---- publish ---- */

struct publish_ctx {
	int acked, connected;
};

static void
pub_connected(void *arg)
{
	((struct publish_ctx *)arg)->connected = 1;
}

static void
pub_published(void *arg, int mid)
{
	((struct publish_ctx *)arg)->acked++;
}

/* Splits "a,b,c" into ids; -1 after printing which one is not an id. */
static int
split_ids(const char *s, char ***out, size_t *n)
{
	char *copy = xstrdup(s);
	for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
		if (!link_id_valid(tok)) {
			link_usage("publish", _("'%s' is not an id (letters, digits, '-' and '_')"), tok);
			free(copy);
			return -1;
		}
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = xstrdup(tok);
	}
	free(copy);
	return 0;
}

static void
publish_help(void)
{
	printf(_("Usage: loaxa-province publish --title T --topic ID (--text T | --file F | --audio F)\n"
		 "         [--class normal|priority|emergency] [--all | --district D[,D...] |\n"
		 "          --commune C[,C...]] [--zone Z[,Z...]] [--airings N]\n"
		 "         [--slot NAME | --at \"YYYY-MM-DD HH:MM\"] [--expires \"YYYY-MM-DD HH:MM\" |\n"
		 "          --expires-in MINUTES|Ns|Nm|Nh] [--source DOC] [--from DATE] [--until DATE]\n"
		 "         [--print]\n\n"
		 "Signs the bulletin with link.secret_key_file and publishes it to its targets\n"
		 "(default: every commune), then prints its id.  An emergency airs at once in\n"
		 "every commune it reaches, and never after it expires (default: in 60 minutes).\n"
		 "--zone names the communes' zones to air in (honoured once zones exist).\n"
		 "--print writes the signed message to standard output instead of sending it.\n"));
}

/* Whether every district or commune named is in the communes file (when there is one). */
static int
targets_known(const struct config *cfg, const struct link_bulletin *b)
{
	char err[ERRLEN];
	struct link_communes cl;
	if (link_communes_load(cfg, &cl, err) < 0)
		return link_error("%s", err);
	int rc = 0;
	for (size_t i = 0; cl.n && i < b->n_targets && !rc; i++) {
		int found = 0;
		for (size_t k = 0; k < cl.n && !found; k++)
			found = strcmp(b->targets[i], b->target == LINK_TO_DISTRICTS ? cl.c[k].district
									      : cl.c[k].id) == 0;
		if (!found)
			rc = link_error(b->target == LINK_TO_DISTRICTS
						? _("There is no district \"%s\" in %s.")
						: _("There is no commune \"%s\" in %s."),
					b->targets[i], cfg->link.communes_file);
	}
	link_communes_free(&cl);
	return rc;
}

static int
read_audio(const char *path, struct link_bulletin *b)
{
	char err[ERRLEN];
	struct audio_info info;
	if (audio_probe(path, &info, err) < 0)
		return link_error("%s", err);
	char *data;
	size_t len;
	if (file_read_all(path, LINK_MAX_AUDIO, &data, &len, err) < 0)
		return link_error("%s", err);
	b->audio = (unsigned char *)data;
	b->audio_len = len;
	b->audio_sha256 = xstrdup(info.sha256);
	return 0;
}

static int
parse_time(const char *s, int64_t *ms, const char *opt)
{
	char err[ERRLEN];
	if (time_parse_local(s, ms, err) < 0)
		return link_usage("publish", "%s: %s", opt, err);
	return 0;
}

/* Sends msg to each topic and waits for the broker to take every one. */
static int
send_all(struct config *cfg, char **topics, size_t n, const char *msg, size_t len)
{
	char err[ERRLEN];
	struct publish_ctx x = { 0 };
	struct link_mqtt_cb cb = { .connected = pub_connected, .published = pub_published, .arg = &x,
				   .quiet = 1 };
	char *id = xasprintf("loaxa-province-%s-publish-%d", cfg->link.province, (int)getpid());
	struct link_mqtt *m = link_mqtt_new(cfg, id, 1, NULL, NULL, &cb, err);
	free(id);
	if (!m)
		return link_error("%s", err);
	int64_t end = time_now_ms() + CONNECT_TIMEOUT_MS;
	size_t sent = 0;
	int rc = 1;
	while (time_now_ms() < end) {
		if (x.connected && sent < n) {
			for (; sent < n; sent++)
				if (link_mqtt_publish(m, topics[sent], msg, len, 0, NULL, err) < 0)
					break;
		}
		if (sent == n && x.acked >= (int)n) {
			rc = 0;
			break;
		}
		struct pollfd p;
		link_mqtt_pollfd(m, &p);
		int t = link_mqtt_service(m, 0);
		link_mqtt_pollfd(m, &p);
		if (p.fd >= 0)
			poll(&p, 1, t > 100 ? 100 : t);
		else
			usleep(50000);
		link_mqtt_service(m, p.fd >= 0 ? p.revents : 0);
	}
	if (rc)
		link_error(_("The broker %s:%d did not take the bulletin (%zu of %zu topics acknowledged in %d s); check that it runs and that this account may publish. Publishing again is safe: a commune stores a bulletin once."),
			   cfg->link.host, cfg->link.port, (size_t)x.acked, n, CONNECT_TIMEOUT_MS / 1000);
	else
		link_mqtt_disconnect(m, 2000);
	link_mqtt_free(m);
	return rc;
}

static int
publish(struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },   { "topic", required_argument, NULL, 'T' },
		{ "text", required_argument, NULL, 'x' },    { "file", required_argument, NULL, 'f' },
		{ "audio", required_argument, NULL, 'a' },   { "class", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'A' },           { "district", required_argument, NULL, 'd' },
		{ "commune", required_argument, NULL, 'C' }, { "zone", required_argument, NULL, 'z' },
		{ "airings", required_argument, NULL, 'n' }, { "slot", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, '@' },      { "expires", required_argument, NULL, 'e' },
		{ "expires-in", required_argument, NULL, 'E' },
		{ "source", required_argument, NULL, 'S' },  { "from", required_argument, NULL, 'F' },
		{ "until", required_argument, NULL, 'U' },   { "print", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },          { 0 },
	};
	if (need_province(cfg))
		return 1;
	struct link_bulletin b = { .airings = 1, .target = LINK_TO_ALL };
	const char *text = NULL, *file = NULL, *audio = NULL, *at = NULL, *expires = NULL;
	int print = 0, expires_in = -1, targets = 0, rc = 2, c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 't': free(b.title); b.title = utf8_nfc(optarg); break;
		case 'T': free(b.topic); b.topic = xstrdup(optarg); break;
		case 'x': text = optarg; break;
		case 'f': file = optarg; break;
		case 'a': audio = optarg; break;
		case 'c': free(b.klass); b.klass = xstrdup(optarg); break;
		case 'A': targets++; b.target = LINK_TO_ALL; break;
		case 'd':
			targets++;
			b.target = LINK_TO_DISTRICTS;
			if (split_ids(optarg, &b.targets, &b.n_targets) < 0)
				goto out;
			break;
		case 'C':
			targets++;
			b.target = LINK_TO_COMMUNES;
			if (split_ids(optarg, &b.targets, &b.n_targets) < 0)
				goto out;
			break;
		case 'z':
			if (split_ids(optarg, &b.zones, &b.n_zones) < 0)
				goto out;
			break;
		case 'n': {
			int v = ascii_number(optarg, strlen(optarg));
			if (v < 0 || v > 10000) {
				link_usage("publish", _("--airings takes a whole number from 0 to 10000 (got %s)"), optarg);
				goto out;
			}
			b.airings = v;
			break;
		}
		case 's': free(b.slot); b.slot = xstrdup(optarg); break;
		case '@': at = optarg; break;
		case 'e': expires = optarg; break;
		case 'E': {
			/* minutes, or with a unit: 90s, 30m, 2h */
			size_t n = strlen(optarg);
			const char *units = "smh";
			const char *u = n ? strchr(units, optarg[n - 1]) : NULL;
			int v = ascii_number(optarg, u ? n - 1 : n);
			static const int mult[] = { 1, 60, 3600 };
			if (v <= 0 || (optarg[n - 1] && !u && !(optarg[n - 1] >= '0' && optarg[n - 1] <= '9'))) {
				link_usage("publish", _("--expires-in takes minutes, or a number with s, m or h (got %s)"), optarg);
				goto out;
			}
			expires_in = v * (u ? mult[u - units] : 60);
			break;
		}
		case 'S': free(b.source); b.source = utf8_nfc(optarg); break;
		case 'F': free(b.valid_from); b.valid_from = xstrdup(optarg); break;
		case 'U': free(b.valid_until); b.valid_until = xstrdup(optarg); break;
		case 'p': print = 1; break;
		case 'h': publish_help(); rc = 0; goto out;
		case ':': link_usage("publish", _("%s needs a value"), argv[optind - 1]); goto out;
		default: link_usage("publish", _("unknown option %s"), argv[optind - 1]); goto out;
		}
	}
	if (optind != argc) {
		link_usage("publish", _("unexpected argument '%s'"), argv[optind]);
		goto out;
	}
	if (targets > 1 || !b.title || !b.topic || (!!text + !!file + !!audio) != 1 || (at && b.slot) ||
	    (expires && expires_in > 0)) {
		link_usage("publish", _("give --title, --topic, one of --text, --file or --audio, at most one of --all, --district, --commune, of --slot and --at, of --expires and --expires-in"));
		goto out;
	}
	rc = 1;
	if (!b.klass)
		b.klass = xstrdup("normal");
	if (!config_topic_find(cfg, b.topic)) {
		link_error(_("There is no topic \"%s\" in the configuration; 'loaxa config check' lists them."), b.topic);
		goto out;
	}
	char err[ERRLEN];
	if (text || file) {
		char *raw;
		size_t len;
		if (file) {
			if (file_read_all(file, LINK_MAX_TEXT, &raw, &len, err) < 0) {
				link_error("%s", err);
				goto out;
			}
		} else {
			raw = xstrdup(text);
			len = strlen(raw);
		}
		size_t bad;
		if (utf8_check(raw, len, &bad) < 0) {
			link_error(_("%s is not valid UTF-8 text (bad byte at offset %zu); save it as UTF-8 and try again."),
				   file ? file : "--text", bad);
			free(raw);
			goto out;
		}
		b.text = utf8_nfc(raw);
		free(raw);
	}
	if (audio && read_audio(audio, &b))
		goto out;
	b.province = xstrdup(cfg->link.province);
	char id[33];
	link_new_id(id);
	b.id = xstrdup(id);
	b.issued_at = time_now_ms();
	if (at && parse_time(at, &b.at, "--at"))
		goto out;
	if (expires && parse_time(expires, &b.expires_at, "--expires"))
		goto out;
	if (expires_in > 0)
		b.expires_at = b.issued_at + (int64_t)expires_in * 1000;
	if (!b.expires_at && strcmp(b.klass, "emergency") == 0)
		b.expires_at = b.issued_at + 60 * 60000;
	if (b.expires_at && b.expires_at <= b.issued_at) {
		link_error(_("--expires is in the past; give a time to come."));
		goto out;
	}
	if (targets_known(cfg, &b))
		goto out;
	if (!cfg->link.secret_key_file) {
		link_error(_("link.secret_key_file is not set; 'loaxa-province keygen --out FILE' makes a key."));
		goto out;
	}
	unsigned char sk[64];
	if (link_secret_load(cfg->link.secret_key_file, sk, err) < 0) {
		link_error("%s", err);
		goto out;
	}
	size_t len;
	char *msg = link_bulletin_encode(&b, sk, &len, err);
	memset(sk, 0, sizeof sk);
	if (!msg) {
		link_error(_("The bulletin cannot be sent: %s."), err);
		goto out;
	}
	if (print) {
		printf("%s\n", msg);
		free(msg);
		rc = 0;
		goto out;
	}
	char **topics = NULL;
	size_t nt = 0;
	if (b.target == LINK_TO_ALL) {
		topics = xcalloc(1, sizeof *topics);
		topics[nt++] = link_topic_bulletin_all(b.province);
	} else {
		topics = xcalloc(b.n_targets, sizeof *topics);
		for (size_t i = 0; i < b.n_targets; i++)
			topics[nt++] = b.target == LINK_TO_DISTRICTS
					       ? link_topic_bulletin_district(b.province, b.targets[i])
					       : link_topic_bulletin_commune(b.province, b.targets[i]);
	}
	rc = send_all(cfg, topics, nt, msg, len);
	for (size_t i = 0; i < nt; i++)
		free(topics[i]);
	free(topics);
	free(msg);
	if (rc == 0) {
		struct store_province *p = link_province_store(cfg, err);
		char *t = link_targets_text(&b);
		if (!p || store_province_sent_add(p, b.id, b.klass, t, b.title, b.topic, b.issued_at,
						  b.expires_at, err) < 0)
			link_error(_("The bulletin %s was sent, but the province's store could not record it: %s"),
				   b.id, err);
		free(t);
		store_province_close(p);
		printf("%s\n", b.id);
	}
out:
	link_bulletin_clear(&b);
	return rc;
}

/* ---- acl ---- */

static int
acl(struct config *cfg, int argc, char **argv)
{
	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0) {
			printf(_("Usage: loaxa-province acl\n\n"
				 "Prints the mosquitto acl_file for link.province: the province's account\n"
				 "(link.username) writes bulletins and acknowledgements and reads every\n"
				 "commune; each commune of link.communes_file reads the bulletins for all, its\n"
				 "district and itself, and writes only its own topics.\n"));
			return 0;
		}
		return link_usage("acl", _("unexpected argument '%s'"), argv[1]);
	}
	if (need_province(cfg))
		return 1;
	if (!cfg->link.username)
		return link_error(_("link.username (the province's account on the broker) is not set."));
	char err[ERRLEN];
	struct link_communes cl;
	if (link_communes_load(cfg, &cl, err) < 0)
		return link_error("%s", err);
	const char *p = cfg->link.province;
	printf("# mosquitto acl_file for province %s, made by loaxa-province acl\n", p);
	printf("user %s\ntopic write loaxa/%s/bulletin/#\ntopic write loaxa/%s/ack/#\n"
	       "topic read loaxa/%s/commune/#\n\n", cfg->link.username, p, p, p);
	printf("pattern read loaxa/%s/bulletin/all\npattern read loaxa/%s/bulletin/commune/%%u\n"
	       "pattern read loaxa/%s/ack/%%u\npattern write loaxa/%s/commune/%%u/#\n", p, p, p, p);
	for (size_t i = 0; i < cl.n; i++)
		printf("\nuser %s\ntopic read loaxa/%s/bulletin/district/%s\n", cl.c[i].id, p,
		       cl.c[i].district);
	link_communes_free(&cl);
	return 0;
}

/* ---- receipts ---- */

struct receipts_ctx {
	int json, n;
};

static int
receipt_row(const struct store_province_receipt *r, void *arg)
{
	struct receipts_ctx *x = arg;
	char when[40];
	if (x->json) {
		time_iso8601(r->at, when);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", r->msg_id, "commune", r->commune,
				      "outcome", r->outcome, "at", when, "reason",
				      r->reason ? json_string(r->reason) : json_null());
		printf("%s", x->n ? ",\n  " : "\n  ");
		json_dumpf(o, stdout, JSON_COMPACT);
		json_decref(o);
	} else {
		time_format(r->at, "%F %T", when, sizeof when);
		printf("%-32s  %-12s  %-11s  %s  %s\n", r->msg_id[0] ? r->msg_id : "-", r->commune,
		       r->outcome, when, r->reason ? r->reason : "");
	}
	x->n++;
	return 0;
}

static int
receipts(struct config *cfg, int argc, char **argv)
{
	struct receipts_ctx x = { 0 };
	const char *id = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "json") == 0)
				x.json = 1;
			else if (strcmp(f, "text") != 0)
				return link_usage("receipts", _("--format is text or json (got %s)"), f);
		} else if (strcmp(argv[i], "--help") == 0) {
			printf(_("Usage: loaxa-province receipts [ID] [--format text|json]\n\n"
				 "What each commune did with the bulletins (or bulletin ID): queued, aired,\n"
				 "expired, refused (with why), as the collector heard it.\n"));
			return 0;
		} else if (!id && link_id_valid(argv[i])) {
			id = argv[i];
		} else {
			return link_usage("receipts", _("unexpected argument '%s'"), argv[i]);
		}
	}
	char err[ERRLEN];
	struct store_province *p = link_province_store(cfg, err);
	if (!p)
		return link_error("%s", err);
	if (x.json)
		printf("[");
	int rc = store_province_receipts(p, id, receipt_row, &x, err);
	if (x.json)
		printf("%s]\n", x.n ? "\n" : "");
	store_province_close(p);
	return rc < 0 ? link_error("%s", err) : 0;
}

/* ---- the table ---- */

static const struct {
	const char *name;
	int (*fn)(struct config *cfg, int argc, char **argv);
	const char *summary;
} subs[] = {
	{ "keygen", keygen, N_("make the province's signing key; print the public key") },
	{ "publish", publish, N_("sign and send a bulletin or an emergency to communes") },
	{ "collect", link_province_collect, N_("run the collector: every commune's log and status") },
	{ "status", link_province_status, N_("which communes are online, last seen, last airing, faults") },
	{ "report", link_province_report, N_("per commune: bulletins, CCHC, target met, airtime") },
	{ "receipts", receipts, N_("what each commune did with each bulletin") },
	{ "acl", acl, N_("print the broker's access list for the communes") },
};

static void
usage(FILE *f)
{
	fprintf(f, _("Usage: loaxa-province [--config FILE] COMMAND [ARGS...]\n\nCommands:\n"));
	for (size_t i = 0; i < ARRAY_LEN(subs); i++)
		fprintf(f, "  %-9s %s\n", subs[i].name, _(subs[i].summary));
	fprintf(f, _("\nman loaxa-link(8) describes the link, its topics, messages and signing.\n"));
}

int
link_province_main(struct config *cfg, int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") || !strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_LEN(subs); i++)
		if (strcmp(argv[0], subs[i].name) == 0)
			return subs[i].fn(cfg, argc, argv);
	fprintf(stderr, _("loaxa-province: '%s' is not a command.\n"), argv[0]);
	usage(stderr);
	return 2;
}
