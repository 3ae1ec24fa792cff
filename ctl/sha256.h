/* SPDX-License-Identifier: GPL-2.0 */
/* sha256.h - SHA-256 (FIPS 180-4) of a buffer, for policy fingerprints. */
#ifndef FW_SHA256_H
#define FW_SHA256_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void fw_sha256(const void *data, size_t len, uint8_t out[32]);
/* The same in plain C (tests compare), and whether fw_sha256 uses the CPU's SHA extensions. */
void fw_sha256_plain(const void *data, size_t len, uint8_t out[32]);
bool fw_sha256_accelerated(void);
/* 64 hex digits and a NUL into buf[65]. */
char *fw_sha256_hex(const uint8_t d[32], char buf[65]);

#endif
