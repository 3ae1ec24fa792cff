/* SPDX-License-Identifier: GPL-2.0 */
/* timing.h - FWCTL_TIMING=1: phase times on stderr (timing.c) */
#ifndef FW_TIMING_H
#define FW_TIMING_H

/* Print the time since the previous phase and since the first, if FWCTL_TIMING is set. */
void fw_phase(const char *name);

#endif /* FW_TIMING_H */
