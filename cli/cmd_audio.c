/*
 * The operator's listening commands: say (speech for any text), program
 * render (what a programme would air, into a WAV file, with its timeline),
 * play (a file or a programme through the configured sink, to test the
 * amplifier chain without the daemon), audio devices (what PortAudio sees).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audio/audio.h"
#include "base/base.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "config/config.h"
#include "playlists/playlists.h"
#include "scheduler/scheduler.h"
#include "store/store.h"
#include "tts/tts.h"

#define TEXT_MAX (1 << 20)

void
cli_tts_opts(struct cli *cli, struct tts_opts *o, char **cache_dir)
{
	const struct config *c = cli->cfg;
	*cache_dir = xasprintf("%s/cache", cli_state_dir(cli));
	*o = (struct tts_opts){
		.engine = c->tts.engine, .voice = c->tts.voice, .region = c->tts.region,
		.command = c->tts.command,
		.rate = c->tts.rate, .pitch = c->tts.pitch, .sample_rate = c->audio.sample_rate,
		.loudness_lufs = c->audio.loudness_lufs, .true_peak_dbtp = c->audio.true_peak_dbtp,
		.cache_dir = *cache_dir, .cache_mb = c->tts.cache_mb,
	};
}

int
cmd_say(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "voice", required_argument, NULL, 'v' },
		{ "region", required_argument, NULL, 'R' },
		{ "rate", required_argument, NULL, 'r' },
		{ "pitch", required_argument, NULL, 'p' },
		{ "class", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *file = NULL, *out = NULL, *voice = NULL, *klass = NULL, *region = NULL;
	int rate = 0, pitch = -1, c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "f:o:h", opts, "say", NULL)) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'o': out = optarg; break;
		case 'v': voice = optarg; break;
		case 'R':
			if (!tts_region_valid(optarg))
				return cli_usage_error("say", _("--region is north, central or south (got %s)"),
						       optarg);
			region = optarg;
			break;
		case 'r': {
			long long v = cli_parse_id(optarg);
			if (v < 80 || v > 450)
				return cli_usage_error("say", _("--rate takes 80 to 450 words a minute (got %s)"), optarg);
			rate = (int)v;
			break;
		}
		case 'p': {
			long long v = cli_parse_id(optarg);
			if (strcmp(optarg, "0") == 0)
				v = 0;
			if (v < 0 || v > 99)
				return cli_usage_error("say", _("--pitch takes 0 to 99 (got %s)"), optarg);
			pitch = (int)v;
			break;
		}
		case 'c':
			if (strcmp(optarg, "normal") && strcmp(optarg, "priority") &&
			    strcmp(optarg, "emergency"))
				return cli_usage_error("say", _("--class is normal, priority or emergency (got %s)"),
						       optarg);
			klass = optarg;
			break;
		case 'h':
			printf(_("Usage: loaxa say [TEXT | --file F] -o OUT.wav [--voice V] [--rate N]\n"
				 "                 [--pitch N] [--class normal|priority|emergency]\n"
				 "                 [--region north|central|south]\n\n"
				 "Speaks Vietnamese text into a WAV file at the configured sample rate and\n"
				 "loudness, as it would air.  --file - reads standard input.  --class reads it\n"
				 "with the rate and pitch of that class of bulletin (tts.emergency, ...);\n"
				 "--rate (words a minute, 80-450) and --pitch (0-99) set them outright.\n"
				 "--region reads it as an announcer of that region, in the region's voice\n"
				 "unless tts.voice or --voice names one (default: tts.region).\n"));
			return 0;
		default: /* cli_getopt() said why */
			return EXIT_USAGE;
		}
	}
	if (!out)
		return cli_usage_error("say", _("say needs -o OUT.wav"));
	if (!file == (optind == argc))
		return cli_usage_error("say", _("give TEXT or --file F"));
	char err[ERRLEN];
	char *text;
	size_t len;
	if (file) {
		if (file_read_all(file, TEXT_MAX, &text, &len, err) < 0)
			return cli_error("%s", err);
	} else {
		struct sbuf b = { 0 };
		for (int i = optind; i < argc; i++)
			sbuf_addf(&b, "%s%s", i > optind ? " " : "", argv[i]);
		len = b.len;
		text = sbuf_steal(&b);
	}
	size_t bad;
	if (utf8_check(text, len, &bad) < 0) {
		free(text);
		return cli_error(_("The text is not valid UTF-8 (bad byte at offset %zu)."), bad);
	}
	struct tts_lexicon *lex = cli_lexicon(cli);
	struct tts_opts o;
	char *cache;
	cli_tts_opts(cli, &o, &cache);
	if (voice)
		o.voice = voice;
	if (region)
		o.region = region;
	if (klass)
		config_tts_voice(cli->cfg, config_voice_class(klass), &o.rate, &o.pitch);
	if (rate)
		o.rate = rate;
	if (pitch >= 0)
		o.pitch = pitch;
	int rc = lex && tts_render_wav(&o, lex, text, out, err) == 0 ? 0 : 1;
	if (rc && lex)
		cli_error("%s", err);
	free(cache);
	free(text);
	return rc;
}

/* Builds and renders programme NAME as it would air at at_ms. */
static struct pl_program *
render_program(struct cli *cli, const char *name, int64_t at_ms, struct pl_env *env)
{
	char err[ERRLEN];
	if (cli_check_name(cli, CLI_PROGRAM, name))
		return NULL;
	const struct config_program *tpl = config_program_find(cli->cfg, name);
	struct store *st = cli_store(cli);
	struct tts_lexicon *lex = cli_lexicon(cli);
	if (!st || !lex)
		return NULL;
	struct sched_pool *pool = sched_pool_load(st, err);
	if (!pool) {
		cli_error("%s", err);
		return NULL;
	}
	struct sched_pick *picks;
	size_t n, left;
	/* the slot that airs this programme at that time, for slot-queued bulletins */
	const char *slot = NULL;
	for (size_t i = 0; i < cli->cfg->n_slots; i++)
		if (strcmp(cli->cfg->slots[i].program, name) == 0)
			slot = cli->cfg->slots[i].name;
	sched_pool_pick(pool, tpl, slot, at_ms, 0, 0, &picks, &n, &left);
	int64_t *ids = xcalloc(n + 1, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		ids[i] = picks[i].bulletin_id;
	free(picks);
	sched_pool_free(pool);
	struct pl_program *p = pl_build(cli->cfg, tpl, st, ids, n, err);
	free(ids);
	if (!p) {
		cli_error("%s", err);
		return NULL;
	}
	pl_env_from_config(env, cli->cfg, cli_state_dir(cli), lex);
	if (pl_render(p, env, err) < 0) {
		cli_error("%s", err);
		pl_free(p);
		pl_env_clear(env);
		return NULL;
	}
	return p;
}

static void
program_help(void)
{
	printf(_("Usage: loaxa program render NAME -o OUT.wav [--at \"YYYY-MM-DD HH:MM\"]\n\n"
		 "Writes what programme NAME would air (now, or at the given local time) into\n"
		 "a WAV file, and prints its timeline: each item's start, length and what it is.\n"));
}

static int
program_render(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "at", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *out = NULL, *at = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "o:h", opts, "program", "program render")) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'a': at = optarg; break;
		case 'h': program_help(); return 0;
		default: return EXIT_USAGE; /* cli_getopt() said why */
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("program", _("render needs one programme NAME"));
	if (!out)
		return cli_usage_error("program", _("render needs -o OUT.wav"));
	char err[ERRLEN];
	int64_t at_ms = time_now_ms();
	if (at && time_parse_local(at, &at_ms, err) < 0)
		return cli_error("%s", err);
	struct pl_env env;
	struct pl_program *p = render_program(cli, argv[optind], at_ms, &env);
	if (!p)
		return 1;
	int rc = pl_render_wav(p, &env, out, err);
	if (rc < 0)
		cli_error("%s", err);
	else
		pl_print_timeline(p, stdout);
	pl_free(p);
	pl_env_clear(&env);
	return rc < 0 ? 1 : 0;
}

int
cmd_program(struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = { { "render", program_render } };
	return cli_dispatch(cli, argc, argv, subs, ARRAY_LEN(subs), program_help);
}

int
cmd_play(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *program = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, "play", NULL)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'h':
			printf(_("Usage: loaxa play FILE | --program NAME\n\n"
				 "Plays an audio file, or what a programme would air, through the configured\n"
				 "output (audio.output), to test the amplifier chain without the daemon.\n"));
			return 0;
		default: return EXIT_USAGE; /* cli_getopt() said why */
		}
	}
	if (!program == (optind == argc) || optind + 1 < argc)
		return cli_usage_error("play", _("give one FILE or --program NAME"));
	char err[ERRLEN];
	struct pl_env env;
	struct pl_program *p;
	if (program) {
		p = render_program(cli, program, time_now_ms(), &env);
		if (!p)
			return 1;
	} else {
		struct audio_info info;
		if (audio_probe(argv[optind], &info, err) < 0)
			return cli_error("%s", err);
		p = xcalloc(1, sizeof *p);
		p->name = xstrdup("file");
		p->n = 1;
		p->items = xcalloc(1, sizeof *p->items);
		p->items[0] = (struct pl_item){ .kind = PL_CLIP, .label = xstrdup(argv[optind]),
						.path = xstrdup(argv[optind]), .lufs = info.lufs,
						.bed = -1, .length_s = info.duration_s };
		p->length_s = info.duration_s;
		pl_env_from_config(&env, cli->cfg, cli_state_dir(cli), NULL);
	}
	struct pl_play_result res;
	char num[32];
	enum pl_play_status st = pl_play(p, &env, 0, NULL, NULL, NULL, &res, err);
	int rc = 0;
	if (st != PL_COMPLETED)
		rc = cli_error("%s", err);
	else
		printf(_("Played %s s through %s%s%s.\n"), i18n_decimal(p->length_s, 1, num), env.output,
		       strcmp(env.output, "wav") == 0 ? _(" into ") : "",
		       strcmp(env.output, "wav") == 0 ? env.wav_path : "");
	pl_free(p);
	pl_env_clear(&env);
	return rc;
}

static void
print_device(int index, const char *name, int channels, double rate, int is_default, void *arg)
{
	printf("%3d %s %-40s %2d ch  %6.0f Hz\n", index, is_default ? "*" : " ", name, channels, rate);
}

static void
audio_help(void)
{
	printf(_("Usage: loaxa audio devices\n\nLists the output devices PortAudio sees (* marks the default); audio.device takes a name or an index.\n"));
	/* apart, so that the text above keeps its translation */
	printf(_("Then the input devices: audio.input_device (line-in) and audio.mic_device (loaxa live) take one.\n"));
}

static int
audio_devices_cmd(struct cli *cli, int argc, char **argv)
{
	int rc = cli_operands(argc, argv, "audio", "audio devices", audio_help);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return cli_usage_error("audio", _("unexpected argument '%s'"), argv[optind]);
	char err[ERRLEN];
	if (audio_devices(print_device, NULL, err) < 0)
		return cli_error("%s", err);
	printf(_("Input devices (audio.input_device, audio.mic_device):\n"));
	if (audio_input_devices(print_device, NULL, err) < 0)
		return cli_error("%s", err);
	return 0;
}

int
cmd_audio(struct cli *cli, int argc, char **argv)
{
	static const struct cli_sub subs[] = { { "devices", audio_devices_cmd } };
	return cli_dispatch(cli, argc, argv, subs, ARRAY_LEN(subs), audio_help);
}
