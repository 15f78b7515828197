#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

// libcurl is opened when the first request is made, not linked: linking it loads some thirty
// libraries (TLS, Kerberos, LDAP, compression, ...) and resolves their symbols at every start,
// which cost `ogpu -e 1` about 5 ms and 12 M instructions while most runs send nothing.

/// libcurl's entry points, filled in by `ogpu_curl_load`.
typedef struct ogpu_curl {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *handle);
    void (*easy_reset)(CURL *handle);
    CURLcode (*easy_perform)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
    // curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: they are
    // called through the typed wrappers below, with their variadic prototype.
    void *easy_setopt;
    void *easy_getinfo;
} ogpu_curl;

/// Opens libcurl and fills `api`. Returns NULL on success, else why it failed (valid until the
/// next dl* call).
static inline const char *ogpu_curl_load(ogpu_curl *api) {
    static const char *const names[] = {"libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && lib == NULL; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (lib == NULL) return dlerror();
#define OGPU_CURL_SYMBOL(field, name) \
    if ((*(void **)&api->field = dlsym(lib, name)) == NULL) return "libcurl has no " name;
    OGPU_CURL_SYMBOL(global_init, "curl_global_init")
    OGPU_CURL_SYMBOL(easy_init, "curl_easy_init")
    OGPU_CURL_SYMBOL(easy_cleanup, "curl_easy_cleanup")
    OGPU_CURL_SYMBOL(easy_reset, "curl_easy_reset")
    OGPU_CURL_SYMBOL(easy_perform, "curl_easy_perform")
    OGPU_CURL_SYMBOL(easy_strerror, "curl_easy_strerror")
    OGPU_CURL_SYMBOL(slist_append, "curl_slist_append")
    OGPU_CURL_SYMBOL(slist_free_all, "curl_slist_free_all")
    OGPU_CURL_SYMBOL(easy_setopt, "curl_easy_setopt")
    OGPU_CURL_SYMBOL(easy_getinfo, "curl_easy_getinfo")
#undef OGPU_CURL_SYMBOL
    return NULL;
}

#define OGPU_SETOPT(api) ((CURLcode (*)(CURL *, CURLoption, ...))(api)->easy_setopt)
#define OGPU_GETINFO(api) ((CURLcode (*)(CURL *, CURLINFO, ...))(api)->easy_getinfo)

static inline CURLcode ogpu_curl_setopt_long(const ogpu_curl *api, CURL *h, CURLoption o, long v) { return OGPU_SETOPT(api)(h, o, v); }
static inline CURLcode ogpu_curl_setopt_ptr(const ogpu_curl *api, CURL *h, CURLoption o, const void *v) { return OGPU_SETOPT(api)(h, o, v); }
static inline CURLcode ogpu_curl_setopt_string(const ogpu_curl *api, CURL *h, CURLoption o, const char *v) { return OGPU_SETOPT(api)(h, o, v); }
static inline CURLcode ogpu_curl_setopt_write(const ogpu_curl *api, CURL *h, CURLoption o, size_t (*f)(char *, size_t, size_t, void *)) { return OGPU_SETOPT(api)(h, o, f); }
static inline CURLcode ogpu_curl_setopt_xferinfo(const ogpu_curl *api, CURL *h, int (*f)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) { return OGPU_SETOPT(api)(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode ogpu_curl_setopt_header(const ogpu_curl *api, CURL *h, size_t (*f)(char *, size_t, size_t, void *)) { return OGPU_SETOPT(api)(h, CURLOPT_HEADERFUNCTION, f); }
static inline CURLcode ogpu_curl_setopt_off(const ogpu_curl *api, CURL *h, CURLoption o, curl_off_t v) { return OGPU_SETOPT(api)(h, o, v); }
static inline CURLcode ogpu_curl_getinfo_long(const ogpu_curl *api, CURL *h, CURLINFO i, long *v) { return OGPU_GETINFO(api)(h, i, v); }
static inline CURLcode ogpu_curl_getinfo_off(const ogpu_curl *api, CURL *h, CURLINFO i, curl_off_t *v) { return OGPU_GETINFO(api)(h, i, v); }
