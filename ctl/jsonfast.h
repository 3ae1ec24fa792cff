/* SPDX-License-Identifier: GPL-2.0 */
/* jsonfast.h - the common case of a policy's JSON, read fast (jsonfast.c) */
#ifndef FW_JSONFAST_H
#define FW_JSONFAST_H

#include <stddef.h>
#include <jansson.h>

/*
 * What json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
 * returns, or NULL when the document is not one this reader is sure of
 * (errors included): then parse it with json_loadb.
 */
json_t *fw_json_fast(const char *text, size_t len);

#endif /* FW_JSONFAST_H */
