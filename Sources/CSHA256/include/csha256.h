#ifndef CSHA256_H
#define CSHA256_H
#include <stddef.h>
#include <stdint.h>

/// Runs the SHA-256 compression function over `blocks` 64-byte blocks, updating `state`
/// (SHA extensions when the processor has them, portable C otherwise).
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

/// The portable C path (for tests on machines with the extensions).
void csha256_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

/// 1 when the SHA extensions are used.
int csha256_hardware(void);

#endif
