#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
/* OpenSSL's libcrypto (already loaded by libxlsxwriter): SHA-256 for run.json's input digests. */
#include <openssl/crypto.h>
#include <openssl/evp.h>

/// Initialises libcrypto without its exit-time clean-up: a process may exit (a failed run) while a
/// background thread is still hashing an input, and the clean-up would free what that thread uses.
static inline int ks2_crypto_init(void) {
    return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
}
#endif
