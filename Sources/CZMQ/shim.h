#include <zmq.h>
#include <dlfcn.h>
#include <stddef.h>

// libzmq is opened by `ogpu kernel` only, not linked: linking it would load it and what it needs
// (libstdc++, libsodium, Kerberos, PGM, NORM, ...) and resolve their symbols at every start of
// every command, for the one command that talks ZeroMQ.

/// libzmq's entry points, filled in by `ogpu_zmq_load`.
typedef struct ogpu_zmq {
    void *(*ctx_new)(void);
    int (*ctx_term)(void *context);
    void *(*socket)(void *context, int type);
    int (*close)(void *socket);
    int (*bind)(void *socket, const char *endpoint);
    int (*setsockopt)(void *socket, int option, const void *value, size_t length);
    int (*getsockopt)(void *socket, int option, void *value, size_t *length);
    int (*send)(void *socket, const void *buffer, size_t length, int flags);
    int (*msg_init)(zmq_msg_t *message);
    int (*msg_recv)(zmq_msg_t *message, void *socket, int flags);
    int (*msg_close)(zmq_msg_t *message);
    void *(*msg_data)(zmq_msg_t *message);
    size_t (*msg_size)(const zmq_msg_t *message);
    int (*msg_more)(const zmq_msg_t *message);
    int (*poll)(zmq_pollitem_t *items, int count, long timeout);
    int (*errno_)(void);
    const char *(*strerror)(int error);
} ogpu_zmq;

/// Opens libzmq and fills `api`. Returns NULL on success, else why it failed (valid until the
/// next dl* call).
static inline const char *ogpu_zmq_load(ogpu_zmq *api) {
    static const char *const names[] = {"libzmq.so.5", "libzmq.so"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && lib == NULL; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (lib == NULL) return dlerror();
#define OGPU_ZMQ_SYMBOL(field, name) \
    if ((*(void **)&api->field = dlsym(lib, name)) == NULL) return "libzmq has no " name;
    OGPU_ZMQ_SYMBOL(ctx_new, "zmq_ctx_new")
    OGPU_ZMQ_SYMBOL(ctx_term, "zmq_ctx_term")
    OGPU_ZMQ_SYMBOL(socket, "zmq_socket")
    OGPU_ZMQ_SYMBOL(close, "zmq_close")
    OGPU_ZMQ_SYMBOL(bind, "zmq_bind")
    OGPU_ZMQ_SYMBOL(setsockopt, "zmq_setsockopt")
    OGPU_ZMQ_SYMBOL(getsockopt, "zmq_getsockopt")
    OGPU_ZMQ_SYMBOL(send, "zmq_send")
    OGPU_ZMQ_SYMBOL(msg_init, "zmq_msg_init")
    OGPU_ZMQ_SYMBOL(msg_recv, "zmq_msg_recv")
    OGPU_ZMQ_SYMBOL(msg_close, "zmq_msg_close")
    OGPU_ZMQ_SYMBOL(msg_data, "zmq_msg_data")
    OGPU_ZMQ_SYMBOL(msg_size, "zmq_msg_size")
    OGPU_ZMQ_SYMBOL(msg_more, "zmq_msg_more")
    OGPU_ZMQ_SYMBOL(poll, "zmq_poll")
    OGPU_ZMQ_SYMBOL(errno_, "zmq_errno")
    OGPU_ZMQ_SYMBOL(strerror, "zmq_strerror")
#undef OGPU_ZMQ_SYMBOL
    return NULL;
}
