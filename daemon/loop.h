/* Private to loaxad: the event loop (loop.c) and logging. */
#ifndef LOAXA_DAEMON_LOOP_H
#define LOAXA_DAEMON_LOOP_H

/* Runs until SIGTERM; returns the exit code.  NULL arguments: defaults. */
int daemon_run(const char *config_arg, const char *state_arg);

/* One log line on stderr with a syslog priority prefix journald reads. */
void daemon_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
