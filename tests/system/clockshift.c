/*
 * clockshift.so — a test-only LD_PRELOAD that moves the wall clock of one
 * process, the way NTP or an operator's `date -s` moves the machine's:
 *
 *   LOAXA_TEST_CLOCK=FILE loaxad ...      (with LD_PRELOAD=.../clockshift.so)
 *   echo 1772400000 > FILE                the wall clock now reads that
 *
 * FILE holds a Unix time (seconds, may have a fraction).  When it changes,
 * CLOCK_REALTIME, time() and gettimeofday() jump to it and go on from
 * there, and every CLOCK_REALTIME timerfd armed with TFD_TIMER_CANCEL_ON_SET
 * behaves as the kernel's does when the clock is set: it becomes readable
 * and read() fails with ECANCELED.  Absolute REALTIME timers are moved by
 * the same offset, so they fire at the shifted wall time.  Monotonic clocks
 * are left alone, as a clock step leaves them.
 *
 * A watcher thread looks at FILE every 20 ms; it blocks every signal so
 * the daemon's signalfd still gets them all.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 4096
#define NS 1000000000LL

static atomic_llong offset_ns;
static struct timespec seen; /* mtime of the setting in force */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* per fd: 1 a REALTIME timerfd, 2 armed with CANCEL_ON_SET, 4 cancel pending */
static atomic_uchar fdflag[MAX_FD];

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static int (*real_timerfd_create)(int, int);
static int (*real_timerfd_settime)(int, int, const struct itimerspec *, struct itimerspec *);
static ssize_t (*real_read)(int, void *, size_t);

static void
resolve(void)
{
	if (real_read)
		return;
	real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
	real_timerfd_create = dlsym(RTLD_NEXT, "timerfd_create");
	real_timerfd_settime = dlsym(RTLD_NEXT, "timerfd_settime");
	real_read = dlsym(RTLD_NEXT, "read");
}

static long long
real_now_ns(void)
{
	struct timespec ts;
	real_clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

int
clock_gettime(clockid_t clk, struct timespec *ts)
{
	resolve();
	int rc = real_clock_gettime(clk, ts);
	if (rc == 0 && (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE)) {
		long long t = ts->tv_sec * NS + ts->tv_nsec + atomic_load(&offset_ns);
		ts->tv_sec = t / NS;
		ts->tv_nsec = t % NS;
	}
	return rc;
}

time_t
time(time_t *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tz;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

int
timerfd_create(int clk, int flags)
{
	resolve();
	int fd = real_timerfd_create(clk, flags);
	if (fd >= 0 && fd < MAX_FD)
		atomic_store(&fdflag[fd], clk == CLOCK_REALTIME ? 1 : 0);
	return fd;
}

int
timerfd_settime(int fd, int flags, const struct itimerspec *nv, struct itimerspec *old)
{
	resolve();
	if (fd < 0 || fd >= MAX_FD || !(atomic_load(&fdflag[fd]) & 1) || !(flags & TFD_TIMER_ABSTIME))
		return real_timerfd_settime(fd, flags, nv, old);
	pthread_mutex_lock(&lock);
	struct itimerspec v = *nv;
	if (v.it_value.tv_sec || v.it_value.tv_nsec) {
		long long t = v.it_value.tv_sec * NS + v.it_value.tv_nsec - atomic_load(&offset_ns);
		if (t <= 0)
			t = 1;
		v.it_value.tv_sec = t / NS;
		v.it_value.tv_nsec = t % NS;
	}
	/* arming again clears a pending cancel, as in the kernel */
	atomic_store(&fdflag[fd], 1 | ((flags & TFD_TIMER_CANCEL_ON_SET) ? 2 : 0));
	int rc = real_timerfd_settime(fd, flags & ~TFD_TIMER_CANCEL_ON_SET, &v, old);
	pthread_mutex_unlock(&lock);
	return rc;
}

ssize_t
read(int fd, void *buf, size_t n)
{
	resolve();
	if (fd >= 0 && fd < MAX_FD && (atomic_load(&fdflag[fd]) & 4)) {
		pthread_mutex_lock(&lock);
		int pending = atomic_load(&fdflag[fd]) & 4;
		if (pending) {
			atomic_fetch_and(&fdflag[fd], (unsigned char)~4);
			/* drain the expiry we used to wake the poller */
			uint64_t v;
			real_read(fd, &v, sizeof v);
		}
		pthread_mutex_unlock(&lock);
		if (pending) {
			errno = ECANCELED;
			return -1;
		}
	}
	return real_read(fd, buf, n);
}

/* The clock was set: cancel-on-set timers wake up and their read fails. */
static void
clock_was_set(void)
{
	pthread_mutex_lock(&lock);
	for (int fd = 0; fd < MAX_FD; fd++) {
		if ((atomic_load(&fdflag[fd]) & 3) != 3)
			continue;
		atomic_fetch_or(&fdflag[fd], 4);
		struct itimerspec now = { .it_value = { 0, 1 } };
		real_timerfd_settime(fd, 0, &now, NULL);
	}
	pthread_mutex_unlock(&lock);
}

static void *
watch(void *arg)
{
	const char *path = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	struct timespec last = seen;
	for (;;) {
		struct stat st;
		if (stat(path, &st) == 0 &&
		    (st.st_mtim.tv_sec != last.tv_sec || st.st_mtim.tv_nsec != last.tv_nsec)) {
			last = st.st_mtim;
			FILE *f = fopen(path, "r");
			double want;
			if (f && fscanf(f, "%lf", &want) == 1) {
				atomic_store(&offset_ns, (long long)(want * 1e9) - real_now_ns());
				clock_was_set();
			}
			if (f)
				fclose(f);
		}
		struct timespec d = { 0, 20000000 };
		nanosleep(&d, NULL);
	}
	return NULL;
}

__attribute__((constructor)) static void
start(void)
{
	resolve();
	const char *path = getenv("LOAXA_TEST_CLOCK");
	if (!path || !*path)
		return;
	/* the first setting counts from the start, before main() reads the clock */
	struct stat st;
	if (stat(path, &st) == 0)
		seen = st.st_mtim;
	FILE *f = fopen(path, "r");
	double want;
	if (f && fscanf(f, "%lf", &want) == 1)
		atomic_store(&offset_ns, (long long)(want * 1e9) - real_now_ns());
	if (f)
		fclose(f);
	pthread_t t;
	pthread_create(&t, NULL, watch, strdup(path));
	pthread_detach(t);
}
