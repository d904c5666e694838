/* MSG_ZEROCOPY for the workloads that test it (zc_modes.c, zc_memory.c, zc_refused.c): the flag and
 * socket option where the libc headers lack them, and the error-queue drain that reads completions. */
#include "common.h"
#include <linux/errqueue.h>
#include <poll.h>
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif

/* Reads MSG_ZEROCOPY completions from the socket's error queue until `want` sends are covered (or,
 * without `block`, until the queue is empty); prints each one to stderr; returns how many it covered. */
__attribute__((unused)) static unsigned drain(int s, unsigned want, int block) {
    unsigned done = 0;
    while (done < want) {
        char control[256]; struct msghdr msg = {0};
        msg.msg_control = control; msg.msg_controllen = sizeof control;
        ssize_t r = recvmsg(s, &msg, MSG_ERRQUEUE);
        if (r < 0) {
            if (errno == EAGAIN) { if (!block) return done; struct pollfd p = { s, 0, 0 }; poll(&p, 1, 1000); continue; }
            die("recvmsg");
        }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(cm);
            if (ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY) continue;
            fprintf(stderr, "completion [%u..%u] code=%u\n", ee->ee_info, ee->ee_data, ee->ee_code);
            done += ee->ee_data - ee->ee_info + 1;
        }
    }
    return done;
}
