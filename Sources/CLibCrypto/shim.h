#ifndef CLIBCRYPTO_SHIM_H
#define CLIBCRYPTO_SHIM_H
/* OpenSSL's libcrypto (already loaded by libxlsxwriter): SHA-256 for run.json's input digests. */
#include <openssl/evp.h>
#endif
