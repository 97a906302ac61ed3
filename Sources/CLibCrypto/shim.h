// The system libcrypto's SHA-256, used where per-hash overhead matters (Ion Hash of small
// values). The context is a plain C struct the caller keeps inline: no allocation per hash.
// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, whose contexts are
// heap-allocated; the low-level calls remain supported and are what this workload wants.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
