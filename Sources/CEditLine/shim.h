#include <stdio.h>
#include <histedit.h>
#include <dlfcn.h>
#include <stddef.h>

// libedit is opened when the REPL starts, not linked: linking it loads it and the libraries under
// it (libtinfo, libbsd, libmd) and resolves their ~2,650 relocations at every start of every
// command, while only the REPL edits a line (callgrind, `ogpu -e 1`: see the commit).
//
// Swift cannot call C variadic functions, so every el_set / history call the REPL needs gets a
// fixed-arity wrapper here. One wrapper per use; they add nothing but the argument shape.

/// libedit's entry points, filled in by `ogpu_edit_load`.
typedef struct ogpu_edit {
    EditLine *(*el_init)(const char *program, FILE *in, FILE *out, FILE *err);
    void (*el_end)(EditLine *el);
    int (*el_set)(EditLine *el, int op, ...);
    const char *(*el_gets)(EditLine *el, int *count);
    const LineInfo *(*el_line)(EditLine *el);
    int (*el_insertstr)(EditLine *el, const char *text);
    void (*el_deletestr)(EditLine *el, int count);
    void (*el_resize)(EditLine *el);
    History *(*history_init)(void);
    void (*history_end)(History *h);
    int (*history)(History *h, HistEvent *event, int op, ...);
} ogpu_edit;

/// Opens libedit and fills `api`. Returns NULL on success, else why it failed (valid until the
/// next dl* call).
static inline const char *ogpu_edit_load(ogpu_edit *api) {
    static const char *const names[] = {"libedit.so.2", "libedit.so"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && lib == NULL; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (lib == NULL) return dlerror();
#define OGPU_EDIT_SYMBOL(field) \
    if ((*(void **)&api->field = dlsym(lib, #field)) == NULL) return "libedit has no " #field;
    OGPU_EDIT_SYMBOL(el_init)
    OGPU_EDIT_SYMBOL(el_end)
    OGPU_EDIT_SYMBOL(el_set)
    OGPU_EDIT_SYMBOL(el_gets)
    OGPU_EDIT_SYMBOL(el_line)
    OGPU_EDIT_SYMBOL(el_insertstr)
    OGPU_EDIT_SYMBOL(el_deletestr)
    OGPU_EDIT_SYMBOL(el_resize)
    OGPU_EDIT_SYMBOL(history_init)
    OGPU_EDIT_SYMBOL(history_end)
    OGPU_EDIT_SYMBOL(history)
#undef OGPU_EDIT_SYMBOL
    return NULL;
}

typedef char *(*ogpu_prompt_fn)(EditLine *);
typedef unsigned char (*ogpu_key_fn)(EditLine *, int);

static inline EditLine *ogpu_el_init(const ogpu_edit *api, const char *program) {
    return api->el_init(program, stdin, stdout, stderr);
}
static inline void ogpu_el_end(const ogpu_edit *api, EditLine *el) { api->el_end(el); }
static inline const char *ogpu_el_gets(const ogpu_edit *api, EditLine *el, int *count) {
    return api->el_gets(el, count);
}
static inline const LineInfo *ogpu_el_line(const ogpu_edit *api, EditLine *el) { return api->el_line(el); }
static inline int ogpu_el_insertstr(const ogpu_edit *api, EditLine *el, const char *text) {
    return api->el_insertstr(el, text);
}
static inline void ogpu_el_deletestr(const ogpu_edit *api, EditLine *el, int count) {
    api->el_deletestr(el, count);
}
static inline void ogpu_el_resize(const ogpu_edit *api, EditLine *el) { api->el_resize(el); }
static inline History *ogpu_history_init(const ogpu_edit *api) { return api->history_init(); }
static inline void ogpu_history_end(const ogpu_edit *api, History *h) { api->history_end(h); }

static inline int ogpu_el_set_prompt(const ogpu_edit *api, EditLine *el, ogpu_prompt_fn fn) {
    return api->el_set(el, EL_PROMPT, fn);
}
static inline int ogpu_el_set_editor(const ogpu_edit *api, EditLine *el, const char *mode) {
    return api->el_set(el, EL_EDITOR, mode);
}
static inline int ogpu_el_set_history(const ogpu_edit *api, EditLine *el, History *h) {
    return api->el_set(el, EL_HIST, api->history, h);
}
static inline int ogpu_el_add_function(const ogpu_edit *api, EditLine *el, const char *name, const char *help, ogpu_key_fn fn) {
    return api->el_set(el, EL_ADDFN, name, help, fn);
}
static inline int ogpu_el_bind(const ogpu_edit *api, EditLine *el, const char *key, const char *function) {
    return api->el_set(el, EL_BIND, key, function, NULL);
}
// Sets one tty flag for edit mode ("-d"), e.g. "-isig" so Ctrl-C reaches the editor as a key.
static inline int ogpu_el_set_tty_edit_flag(const ogpu_edit *api, EditLine *el, const char *flag) {
    return api->el_set(el, EL_SETTY, "-d", flag, NULL);
}
// 1 puts the terminal in the editor's mode, 0 back to normal (around a Ctrl-Z suspend).
static inline int ogpu_el_prepare_terminal(const ogpu_edit *api, EditLine *el, int editing) {
    return api->el_set(el, EL_PREP_TERM, editing);
}

static inline int ogpu_history_set_size(const ogpu_edit *api, History *h, int size) {
    HistEvent ev; return api->history(h, &ev, H_SETSIZE, size);
}
static inline int ogpu_history_set_unique(const ogpu_edit *api, History *h, int unique) {
    HistEvent ev; return api->history(h, &ev, H_SETUNIQUE, unique);
}
static inline int ogpu_history_enter(const ogpu_edit *api, History *h, const char *line) {
    HistEvent ev; return api->history(h, &ev, H_ENTER, line);
}
static inline int ogpu_history_load(const ogpu_edit *api, History *h, const char *path) {
    HistEvent ev; return api->history(h, &ev, H_LOAD, path);
}
static inline int ogpu_history_save(const ogpu_edit *api, History *h, const char *path) {
    HistEvent ev; return api->history(h, &ev, H_SAVE, path);
}
