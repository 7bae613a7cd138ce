/*
 * The commands of `loaxa`, one function each (see cli.h for the contract).
 * COMMAND_TABLE lists them for main.c in the order `loaxa --help` shows.
 */
#ifndef LOAXA_CLI_COMMANDS_H
#define LOAXA_CLI_COMMANDS_H

struct cli;

int cmd_bulletin(struct cli *cli, int argc, char **argv);
int cmd_clip(struct cli *cli, int argc, char **argv);
int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_normalize(struct cli *cli, int argc, char **argv);
int cmd_say(struct cli *cli, int argc, char **argv);
int cmd_queue(struct cli *cli, int argc, char **argv);
int cmd_schedule(struct cli *cli, int argc, char **argv);
int cmd_air(struct cli *cli, int argc, char **argv);
int cmd_stop(struct cli *cli, int argc, char **argv);
int cmd_live(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_reload(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_program(struct cli *cli, int argc, char **argv);
int cmd_play(struct cli *cli, int argc, char **argv);
int cmd_audio(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);

#define COMMAND_TABLE                                                                      \
	{ "bulletin", cmd_bulletin, 1, N_("add, list, show, edit, approve, retire bulletins") }, \
	{ "clip", cmd_clip, 1, N_("import, list, show, remove jingles, music and recordings") }, \
	{ "normalize", cmd_normalize, 1, N_("print the spoken form of Vietnamese text") },       \
	{ "say", cmd_say, 1, N_("speak text into a WAV file, as it would air") },               \
	{ "queue", cmd_queue, 1, N_("ask for a bulletin in a slot; list, remove requests") },    \
	{ "schedule", cmd_schedule, 1, N_("the coming airings, and this month's CCHC count") }, \
	{ "air", cmd_air, 1, N_("air a bulletin or programme now (emergency: cut in)") },       \
	{ "live", cmd_live, 1, N_("put the microphone on air now (it cuts in)") },               \
	{ "stop", cmd_stop, 1, N_("fade out what is airing") },                                 \
	{ "status", cmd_status, 1, N_("what the daemon is airing, and what comes next") },      \
	{ "reload", cmd_reload, 1, N_("make the daemon re-read its configuration") },           \
	{ "log", cmd_log, 1, N_("the airing log") },                                            \
	{ "report", cmd_report, 1, N_("monthly and quarterly counts for officers' reports") },   \
	{ "program", cmd_program, 1, N_("render a programme into a WAV file") },                \
	{ "play", cmd_play, 1, N_("play a file or programme through the sound output") },       \
	{ "audio", cmd_audio, 1, N_("list the audio devices") },                                \
	{ "config", cmd_config, 0, N_("check the configuration and print it") },               \
	{ "user", cmd_user, 1, N_("the people who log in to the web console, and their roles") },

#endif
