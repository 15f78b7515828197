#include <stdio.h>
#include <histedit.h>

// Swift cannot call C variadic functions, so every el_set / history call the REPL needs gets a
// fixed-arity wrapper here. One wrapper per use; they add nothing but the argument shape.

typedef char *(*ogpu_prompt_fn)(EditLine *);
typedef unsigned char (*ogpu_key_fn)(EditLine *, int);

static inline int ogpu_el_set_prompt(EditLine *el, ogpu_prompt_fn fn) {
    return el_set(el, EL_PROMPT, fn);
}
static inline int ogpu_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int ogpu_el_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}
static inline int ogpu_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int ogpu_el_add_function(EditLine *el, const char *name, const char *help, ogpu_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int ogpu_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}
// Sets one tty flag for edit mode ("-d"), e.g. "-isig" so Ctrl-C reaches the editor as a key.
static inline int ogpu_el_set_tty_edit_flag(EditLine *el, const char *flag) {
    return el_set(el, EL_SETTY, "-d", flag, NULL);
}
static inline int ogpu_el_refresh(EditLine *el) {
    return el_set(el, EL_REFRESH);
}

static inline int ogpu_history_set_size(History *h, int size) {
    HistEvent ev; return history(h, &ev, H_SETSIZE, size);
}
static inline int ogpu_history_set_unique(History *h, int unique) {
    HistEvent ev; return history(h, &ev, H_SETUNIQUE, unique);
}
static inline int ogpu_history_enter(History *h, const char *line) {
    HistEvent ev; return history(h, &ev, H_ENTER, line);
}
static inline int ogpu_history_load(History *h, const char *path) {
    HistEvent ev; return history(h, &ev, H_LOAD, path);
}
static inline int ogpu_history_save(History *h, const char *path) {
    HistEvent ev; return history(h, &ev, H_SAVE, path);
}
// 1 puts the terminal in the editor's mode, 0 back to normal (around a Ctrl-Z suspend).
static inline int ogpu_el_prepare_terminal(EditLine *el, int editing) {
    return el_set(el, EL_PREP_TERM, editing);
}
