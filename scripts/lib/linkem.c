/*
 * linkem: a packet-level WAN link between two network namespaces, for scripts/bench-http3.
 *
 * Why it exists: the kernel of the build VM has no sch_netem (`tc qdisc add ... netem` answers "Specified
 * qdisc kind is unknown") and no fq qdisc, and there is no iptables binary. This stands in for netem: it
 * moves IP packets between a TUN device in each namespace and, per direction, serialises them at RATE
 * through a drop-tail queue of QUEUE_KB, delays each by ONE_WAY_MS and drops each with probability LOSS_PCT
 * (uniform, independent: netem's plain `loss X%`). It works on whole IP packets, so TCP segments and QUIC
 * datagrams are delayed and lost alike, as on a real link.
 *
 * usage: linkem NS_A DEV_A NS_B DEV_B ONE_WAY_MS LOSS_PCT RATE_MBIT QUEUE_KB SEED
 * (RATE_MBIT 0: no rate limit). The TUN devices must exist (`ip -n NS tuntap add dev DEV mode tun`).
 * On SIGTERM/SIGINT it prints, per direction, packets forwarded, lost and tail-dropped, then exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define CAP 32768
#define MAXPKT 2048

struct pkt { uint64_t at; int len; unsigned char data[MAXPKT]; };
struct dir {
    int in, out;
    struct pkt *ring;
    unsigned head, tail; /* tail - head = packets held (queued or on the wire) */
    uint64_t last_departure;
    unsigned long forwarded, lost, dropped;
};

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t rng;
static double uniform(void) { /* xorshift64* */
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static int open_tun(const char *ns, const char *dev) {
    char path[256];
    snprintf(path, sizeof path, "/var/run/netns/%s", ns);
    int nsfd = open(path, O_RDONLY);
    if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) { perror(path); exit(2); }
    close(nsfd);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    if (fd < 0) { perror("/dev/net/tun"); exit(2); }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); exit(2); }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 10) {
        fprintf(stderr, "usage: linkem NS_A DEV_A NS_B DEV_B ONE_WAY_MS LOSS_PCT RATE_MBIT QUEUE_KB SEED\n");
        return 2;
    }
    int a = open_tun(argv[1], argv[2]);
    int b = open_tun(argv[3], argv[4]);
    uint64_t delay = (uint64_t)(atof(argv[5]) * 1e6);
    double loss = atof(argv[6]) / 100.0;
    double rate_bps = atof(argv[7]) * 1e6;
    double queue_bytes = atof(argv[8]) * 1024.0;
    rng = strtoull(argv[9], NULL, 10) * 0x9E3779B97F4A7C15ull + 1;
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    struct dir d[2] = {{.in = a, .out = b}, {.in = b, .out = a}};
    for (int i = 0; i < 2; i++) {
        d[i].ring = malloc(sizeof(struct pkt) * CAP);
        if (!d[i].ring) { perror("malloc"); return 2; }
    }
    struct pollfd fds[2] = {{.fd = a, .events = POLLIN}, {.fd = b, .events = POLLIN}};
    fprintf(stderr, "linkem: %s/%s <-> %s/%s one-way %s ms, loss %s%%, rate %s Mbit/s, queue %s KiB\n",
            argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8]);
    while (!stop) {
        uint64_t now = now_ns();
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < 2; i++) {
            struct dir *x = &d[i];
            while (x->head != x->tail && x->ring[x->head % CAP].at <= now) {
                struct pkt *p = &x->ring[x->head % CAP];
                if (write(x->out, p->data, p->len) == p->len) x->forwarded++;
                else x->dropped++;
                x->head++;
            }
            if (x->head != x->tail && x->ring[x->head % CAP].at < next) next = x->ring[x->head % CAP].at;
        }
        struct timespec timeout, *tp = NULL;
        if (next != UINT64_MAX) {
            uint64_t wait = next > now ? next - now : 0;
            timeout.tv_sec = (time_t)(wait / 1000000000ull);
            timeout.tv_nsec = (long)(wait % 1000000000ull);
            tp = &timeout;
        }
        int n = ppoll(fds, 2, tp, NULL);
        if (n < 0) { if (errno == EINTR) continue; perror("ppoll"); return 2; }
        for (int i = 0; i < 2; i++) {
            if (!(fds[i].revents & POLLIN)) continue;
            struct dir *x = &d[i];
            for (int k = 0; k < 256; k++) {
                struct pkt *p = &x->ring[x->tail % CAP];
                ssize_t len = read(x->in, p->data, MAXPKT);
                if (len <= 0) break;
                uint64_t t = now_ns();
                if (loss > 0 && uniform() < loss) { x->lost++; continue; }
                uint64_t start = x->last_departure > t ? x->last_departure : t;
                if (rate_bps > 0 && (double)(start - t) * rate_bps / 8e9 > queue_bytes) { x->dropped++; continue; }
                if (x->tail - x->head >= CAP) { x->dropped++; continue; }
                uint64_t departure = start + (rate_bps > 0 ? (uint64_t)(len * 8e9 / rate_bps) : 0);
                x->last_departure = departure;
                p->len = (int)len;
                p->at = departure + delay;
                x->tail++;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        fprintf(stderr, "linkem: %s->%s forwarded %lu lost %lu tail-dropped %lu\n", i ? argv[3] : argv[1],
                i ? argv[1] : argv[3], d[i].forwarded, d[i].lost, d[i].dropped);
    return 0;
}
