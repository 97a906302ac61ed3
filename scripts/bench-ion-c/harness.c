/*
 * ion-c side of the side-by-side Ion benchmark (scripts/bench-ion-c.sh).
 *
 *   ion-c-harness OPERATION FILE ROUNDS
 *
 * Loads FILE (Ion binary or text) into memory once, performs OPERATION ROUNDS times after one
 * untimed warm-up, and prints one line on stdout: `OPERATION BEST_NANOSECONDS_PER_ROUND` (the best
 * round, CLOCK_MONOTONIC). The Swift side (`IonCompare`) has the same interface.
 *
 * Operations, each over the whole file:
 *   scan          reader next() over every value, stepping into every non-null container;
 *                 no field names, no scalars.
 *   read-scalars  as scan, and read every scalar: int64 (ION_INT past 64 bits), double,
 *                 ION_DECIMAL (decQuad when it fits), timestamp, string and symbol text (not
 *                 copied), lob bytes (copied into a scratch buffer), bool. Field names and
 *                 annotations are not read (as on the Swift side).
 *   tree          build a C tree of the whole file and free it: one allocation per container
 *                 (children gathered in per-depth scratch, then copied into one exact array);
 *                 strings, symbols' text aside, copied with up to 15 bytes inline, longer ones in
 *                 one allocation; field names, symbol values and annotations interned once and
 *                 shared by id (a reader-sid cache in front of a hash table); scalars inline.
 *   lazy-tree     the same work as read-scalars: ion-c has no lazy tree, and issue 20 measures
 *                 the Swift side's lazy tree read whole against ion-c reading every scalar
 *                 without a tree (and against `tree`, in its own row).
 *   write-binary  write the tree (built once, untimed) as Ion binary with ion-c's writer into a
 *                 memory buffer (allocated once, untimed).
 *   write-text    the same as compact Ion text.
 * Auxiliary (untimed, for checking the harness): `count` prints the number of values;
 * `emit-binary` and `emit-text` write the tree's output to stdout.
 *
 * Limits seen in ion-c 030abb4, not the harness's: its text reader fails (IERR_PARSER_INTERNAL) to
 * skip an operator symbol in an s-expression that was not read, so `scan` fails on text such as
 * `(a + 1)`; its binary reader returns NaN for decimals of more than 34 digits.
 *
 * This file is our own code; it links against an ion-c build and contains none of ion-c.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ionc/ion.h>

/* ---------------------------------------------------------------- errors */

#define CHECK(call)                                                                                 \
    do {                                                                                            \
        iERR err_ = (call);                                                                         \
        if (err_ != IERR_OK) {                                                                      \
            fprintf(stderr, "ion-c-harness: %s failed: %s (%d) at %s:%d\n", #call,                 \
                    ion_error_to_str(err_), (int)err_, __FILE__, __LINE__);                         \
            exit(2);                                                                                \
        }                                                                                           \
    } while (0)

static void die(const char *message) {
    fprintf(stderr, "ion-c-harness: %s\n", message);
    exit(2);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

/* Results land here so that no work is optimised away. */
static volatile uint64_t sink;

/* ---------------------------------------------------------------- input */

static BYTE *input;
static SIZE input_length;

static void load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "ion-c-harness: cannot open %s: %s\n", path, strerror(errno));
        exit(2);
    }
    size_t cap = 1 << 20, len = 0;
    BYTE *buf = xmalloc(cap);
    for (;;) {
        if (len == cap) buf = xrealloc(buf, cap *= 2);
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    if (ferror(f)) die("read error");
    fclose(f);
    if (len > INT32_MAX) die("file larger than 2 GiB");
    input = buf;
    input_length = (SIZE)len;
}

/* Decimals past 34 digits come back as decNumbers instead of failing; those within stay decQuads. */
static decContext decimal_context;

static decContext *wide_decimal_context(void) {
    if (decimal_context.digits == 0) {
        decContextDefault(&decimal_context, DEC_INIT_DECQUAD);
        decimal_context.digits = 10000;
        decimal_context.emax = DEC_MAX_EMAX;
        decimal_context.emin = DEC_MIN_EMIN;
    }
    return &decimal_context;
}

static hREADER open_reader(void) {
    hREADER reader;
    ION_READER_OPTIONS options;
    memset(&options, 0, sizeof options);
    options.max_container_depth = 64;
    options.max_annotation_count = 64;
    options.decimal_context = wide_decimal_context();
    CHECK(ion_reader_open_buffer(&reader, input, input_length, &options));
    return reader;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- scan */

static uint64_t scan_level(hREADER reader) {
    uint64_t count = 0;
    ION_TYPE type;
    for (;;) {
        CHECK(ion_reader_next(reader, &type));
        if (type == tid_EOF) return count;
        count++;
        if (type == tid_STRUCT || type == tid_LIST || type == tid_SEXP) {
            BOOL is_null;
            CHECK(ion_reader_is_null(reader, &is_null));
            if (!is_null) {
                CHECK(ion_reader_step_in(reader));
                count += scan_level(reader);
                CHECK(ion_reader_step_out(reader));
            }
        }
    }
}

static void op_scan(void) {
    hREADER reader = open_reader();
    sink += scan_level(reader);
    CHECK(ion_reader_close(reader));
}

/* ---------------------------------------------------------------- read every scalar */

static ION_INT *scratch_int;
static BYTE *scratch_lob;
static SIZE scratch_lob_cap;

static BYTE *lob_buffer(SIZE size) {
    if (size > scratch_lob_cap) {
        scratch_lob_cap = size > 2 * scratch_lob_cap ? size : 2 * scratch_lob_cap;
        scratch_lob = xrealloc(scratch_lob, (size_t)scratch_lob_cap);
    }
    return scratch_lob;
}

/* Reads an int as int64, or as an ION_INT when it does not fit; returns FALSE for the latter. */
static BOOL read_int(hREADER reader, int64_t *value) {
    iERR err = ion_reader_read_int64(reader, value);
    if (err == IERR_OK) return TRUE;
    if (err != IERR_NUMERIC_OVERFLOW) CHECK(err);
    CHECK(ion_reader_read_ion_int(reader, scratch_int));
    return FALSE;
}

static uint64_t read_level(hREADER reader) {
    uint64_t acc = 0;
    ION_TYPE type;
    for (;;) {
        CHECK(ion_reader_next(reader, &type));
        if (type == tid_EOF) return acc;
        BOOL is_null;
        CHECK(ion_reader_is_null(reader, &is_null));
        if (is_null) {
            acc += 1;
            continue;
        }
        switch (ION_TYPE_INT(type)) {
        case tid_BOOL_INT: {
            BOOL b;
            CHECK(ion_reader_read_bool(reader, &b));
            acc += (uint64_t)b;
            break;
        }
        case tid_INT_INT: {
            int64_t i;
            acc += read_int(reader, &i) ? (uint64_t)i : 1;
            break;
        }
        case tid_FLOAT_INT: {
            double d;
            CHECK(ion_reader_read_double(reader, &d));
            acc += (uint64_t)(int64_t)d;
            break;
        }
        case tid_DECIMAL_INT: {
            ION_DECIMAL d;
            CHECK(ion_reader_read_ion_decimal(reader, &d));
            if (d.type == ION_DECIMAL_TYPE_QUAD) {
                acc += d.value.quad_value.words[0];
            } else {
                acc += 1;
                CHECK(ion_decimal_free(&d));
            }
            break;
        }
        case tid_TIMESTAMP_INT: {
            ION_TIMESTAMP t;
            CHECK(ion_reader_read_timestamp(reader, &t));
            acc += (uint64_t)t.year + t.seconds + t.fraction.words[0];
            break;
        }
        case tid_SYMBOL_INT: {
            ION_SYMBOL s;
            CHECK(ion_reader_read_ion_symbol(reader, &s));
            acc += (uint64_t)s.value.length;
            break;
        }
        case tid_STRING_INT: {
            ION_STRING s;
            CHECK(ion_reader_read_string(reader, &s));
            acc += (uint64_t)s.length;
            break;
        }
        case tid_CLOB_INT:
        case tid_BLOB_INT: {
            SIZE size, got;
            CHECK(ion_reader_get_lob_size(reader, &size));
            BYTE *buf = lob_buffer(size);
            CHECK(ion_reader_read_lob_bytes(reader, buf, size, &got));
            acc += (uint64_t)got;
            break;
        }
        case tid_LIST_INT:
        case tid_SEXP_INT:
        case tid_STRUCT_INT:
            CHECK(ion_reader_step_in(reader));
            acc += read_level(reader);
            CHECK(ion_reader_step_out(reader));
            break;
        default:
            die("unexpected Ion type");
        }
    }
}

static void op_read_scalars(void) {
    hREADER reader = open_reader();
    sink += read_level(reader);
    CHECK(ion_reader_close(reader));
}

/* ---------------------------------------------------------------- interned text */

/* Field names, symbol values and annotations: each distinct text stored once and shared by id. */
typedef struct {
    ION_STRING *texts; /* id -> text (owned copy) */
    uint32_t count, cap;
    uint32_t *slots;   /* open addressing: id + 1, 0 = empty */
    uint32_t slot_mask;
    uint32_t *by_sid;  /* reader sid -> id + 1, a cache checked against the text */
    uint32_t sid_cap;
} Interner;

static Interner names;

static uint32_t hash_bytes(const BYTE *p, int32_t n) {
    uint32_t h = 2166136261u;
    for (int32_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static BOOL same_text(const ION_STRING *a, const ION_STRING *b) {
    return a->length == b->length && (a->length == 0 || memcmp(a->value, b->value, (size_t)a->length) == 0);
}

static void interner_grow(Interner *in) {
    uint32_t size = in->slots ? (in->slot_mask + 1) * 2 : 1024;
    free(in->slots);
    in->slots = calloc(size, sizeof(uint32_t));
    if (!in->slots) die("out of memory");
    in->slot_mask = size - 1;
    for (uint32_t id = 0; id < in->count; id++) {
        uint32_t s = hash_bytes(in->texts[id].value, in->texts[id].length) & in->slot_mask;
        while (in->slots[s]) s = (s + 1) & in->slot_mask;
        in->slots[s] = id + 1;
    }
}

static uint32_t intern_text(Interner *in, const ION_STRING *text) {
    if (!in->slots || (in->count + 1) * 2 > in->slot_mask + 1) interner_grow(in);
    uint32_t s = hash_bytes(text->value, text->length) & in->slot_mask;
    while (in->slots[s]) {
        uint32_t id = in->slots[s] - 1;
        if (same_text(&in->texts[id], text)) return id;
        s = (s + 1) & in->slot_mask;
    }
    if (in->count == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 256;
        in->texts = xrealloc(in->texts, in->cap * sizeof(ION_STRING));
    }
    uint32_t id = in->count++;
    in->texts[id].length = text->length;
    in->texts[id].value = xmalloc((size_t)text->length);
    if (text->length) memcpy(in->texts[id].value, text->value, (size_t)text->length);
    in->slots[s] = id + 1;
    return id;
}

/* The id of a symbol's text; the reader's sid, when it has one, is a cache key only. */
static uint32_t intern_symbol(Interner *in, const ION_SYMBOL *symbol) {
    SID sid = symbol->sid;
    if (sid > 0 && sid < 1 << 24) {
        if ((uint32_t)sid < in->sid_cap) {
            uint32_t cached = in->by_sid[sid];
            if (cached && same_text(&in->texts[cached - 1], &symbol->value)) return cached - 1;
        } else {
            uint32_t cap = in->sid_cap ? in->sid_cap : 256;
            while (cap <= (uint32_t)sid) cap *= 2;
            in->by_sid = xrealloc(in->by_sid, cap * sizeof(uint32_t));
            memset(in->by_sid + in->sid_cap, 0, (cap - in->sid_cap) * sizeof(uint32_t));
            in->sid_cap = cap;
        }
        uint32_t id = intern_text(in, &symbol->value);
        in->by_sid[sid] = id + 1;
        return id;
    }
    return intern_text(in, &symbol->value);
}

/* ---------------------------------------------------------------- the tree */

enum {
    K_NULL,      /* u.null_type: the ION_TYPE of a typed null */
    K_BOOL,      /* u.b */
    K_INT,       /* u.i */
    K_BIGINT,    /* u.bigint: one allocation (rare) */
    K_FLOAT,     /* u.f */
    K_DECIMAL,   /* u.d */
    K_BIGDEC,    /* u.bigdec: more than 34 digits, one allocation (rare) */
    K_TIMESTAMP, /* u.ts */
    K_SYMBOL,    /* u.id: interned text */
    K_SYMBOL_SID,/* u.sid: a symbol without known text */
    K_STRING,    /* text: inline (len <= 15) or one allocation */
    K_CLOB,
    K_BLOB,
    K_LIST,      /* u.c: one allocation of children */
    K_SEXP,
    K_STRUCT,
    K_ANNOTATIONS /* precedes the value it annotates: u.annots */
};

#define INLINE_MAX 15
#define NO_FIELD UINT32_MAX

typedef struct Node {
    uint8_t kind;
    uint8_t is_inline;     /* bytes inline */
    uint8_t inline_length; /* 0...15 */
    uint32_t field;        /* interned field name, NO_FIELD outside structs */
    union {
        BOOL b;
        int64_t i;
        double f;
        decQuad d;
        ION_TIMESTAMP ts;
        ION_INT *bigint;
        ION_DECIMAL *bigdec;
        uint32_t id;
        SID sid;
        intptr_t null_type;
        BYTE bytes[INLINE_MAX];
        struct { BYTE *ptr; int32_t length; } heap;
        struct { struct Node *items; uint32_t count; } c;
        struct { uint32_t count; uint32_t inline_ids[5]; uint32_t *ids; } annots;
    } u;
} Node;

/* Per-depth scratch where a container's children gather before their one exact allocation. */
typedef struct { Node *items; uint32_t count, cap; } Scratch;
static Scratch *scratch;
static uint32_t scratch_depth;

static Node *push(uint32_t depth) {
    if (depth >= scratch_depth) {
        uint32_t n = depth + 8;
        scratch = xrealloc(scratch, n * sizeof(Scratch));
        memset(scratch + scratch_depth, 0, (n - scratch_depth) * sizeof(Scratch));
        scratch_depth = n;
    }
    Scratch *s = &scratch[depth];
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->items = xrealloc(s->items, s->cap * sizeof(Node));
    }
    return &s->items[s->count++];
}

static void set_bytes(Node *node, const BYTE *bytes, int32_t length) {
    if (length <= INLINE_MAX) {
        node->is_inline = 1;
        node->inline_length = (uint8_t)length;
        if (length) memcpy(node->u.bytes, bytes, (size_t)length);
    } else {
        node->is_inline = 0;
        node->u.heap.ptr = xmalloc((size_t)length);
        node->u.heap.length = length;
        memcpy(node->u.heap.ptr, bytes, (size_t)length);
    }
}

static void build_level(hREADER reader, uint32_t depth, BOOL in_struct, Node **items, uint32_t *count);

static void build_value(hREADER reader, ION_TYPE type, uint32_t depth, BOOL in_struct) {
    uint32_t field = NO_FIELD;
    if (in_struct) {
        ION_SYMBOL *name;
        CHECK(ion_reader_get_field_name_symbol(reader, &name));
        field = intern_symbol(&names, name);
    }
    BOOL annotated;
    CHECK(ion_reader_has_any_annotations(reader, &annotated));
    if (annotated) {
        ION_SYMBOL symbols[64];
        SIZE n;
        CHECK(ion_reader_get_annotation_symbols(reader, symbols, 64, &n));
        Node *a = push(depth);
        a->kind = K_ANNOTATIONS;
        a->field = field;
        a->u.annots.count = (uint32_t)n;
        uint32_t *ids = a->u.annots.inline_ids;
        a->u.annots.ids = NULL;
        if (n > 5) ids = a->u.annots.ids = xmalloc((size_t)n * sizeof(uint32_t));
        for (SIZE i = 0; i < n; i++) ids[i] = intern_symbol(&names, &symbols[i]);
    }
    BOOL is_null;
    CHECK(ion_reader_is_null(reader, &is_null));
    Node *node = push(depth);
    node->field = field;
    if (is_null) {
        node->kind = K_NULL;
        node->u.null_type = ION_TYPE_INT(type);
        return;
    }
    switch (ION_TYPE_INT(type)) {
    case tid_BOOL_INT:
        node->kind = K_BOOL;
        CHECK(ion_reader_read_bool(reader, &node->u.b));
        break;
    case tid_INT_INT:
        if (read_int(reader, &node->u.i)) {
            node->kind = K_INT;
        } else {
            node->kind = K_BIGINT;
            CHECK(ion_int_alloc(NULL, &node->u.bigint));
            CHECK(ion_int_copy(node->u.bigint, scratch_int, NULL));
        }
        break;
    case tid_FLOAT_INT:
        node->kind = K_FLOAT;
        CHECK(ion_reader_read_double(reader, &node->u.f));
        break;
    case tid_DECIMAL_INT: {
        ION_DECIMAL d;
        CHECK(ion_reader_read_ion_decimal(reader, &d));
        if (d.type == ION_DECIMAL_TYPE_QUAD) {
            node->kind = K_DECIMAL;
            node->u.d = d.value.quad_value;
        } else {
            node->kind = K_BIGDEC;
            node->u.bigdec = xmalloc(sizeof(ION_DECIMAL));
            *node->u.bigdec = d;
            CHECK(ion_decimal_claim(node->u.bigdec)); /* the reader's stream owned the decNumber */
        }
        break;
    }
    case tid_TIMESTAMP_INT:
        node->kind = K_TIMESTAMP;
        CHECK(ion_reader_read_timestamp(reader, &node->u.ts));
        break;
    case tid_SYMBOL_INT: {
        ION_SYMBOL s;
        CHECK(ion_reader_read_ion_symbol(reader, &s));
        if (s.value.value == NULL) {
            node->kind = K_SYMBOL_SID;
            node->u.sid = s.sid;
        } else {
            node->kind = K_SYMBOL;
            node->u.id = intern_symbol(&names, &s);
        }
        break;
    }
    case tid_STRING_INT: {
        ION_STRING s;
        CHECK(ion_reader_read_string(reader, &s));
        node->kind = K_STRING;
        set_bytes(node, s.value, s.length);
        break;
    }
    case tid_CLOB_INT:
    case tid_BLOB_INT: {
        SIZE size, got;
        CHECK(ion_reader_get_lob_size(reader, &size));
        BYTE *buf = lob_buffer(size);
        CHECK(ion_reader_read_lob_bytes(reader, buf, size, &got));
        node->kind = type == tid_CLOB ? K_CLOB : K_BLOB;
        set_bytes(node, buf, got);
        break;
    }
    case tid_LIST_INT:
    case tid_SEXP_INT:
    case tid_STRUCT_INT: {
        node->kind = type == tid_LIST ? K_LIST : type == tid_SEXP ? K_SEXP : K_STRUCT;
        /* Deeper levels may move the array of scratches: find this node again after them. */
        uint32_t index = scratch[depth].count - 1;
        Node *items;
        uint32_t count;
        CHECK(ion_reader_step_in(reader));
        build_level(reader, depth + 1, type == tid_STRUCT, &items, &count);
        CHECK(ion_reader_step_out(reader));
        node = &scratch[depth].items[index];
        node->u.c.items = items;
        node->u.c.count = count;
        break;
    }
    default:
        die("unexpected Ion type");
    }
}

static void build_level(hREADER reader, uint32_t depth, BOOL in_struct, Node **items, uint32_t *count) {
    if (depth < scratch_depth) scratch[depth].count = 0;
    ION_TYPE type;
    for (;;) {
        CHECK(ion_reader_next(reader, &type));
        if (type == tid_EOF) break;
        build_value(reader, type, depth, in_struct);
    }
    uint32_t n = depth < scratch_depth ? scratch[depth].count : 0;
    Node *array = xmalloc((size_t)n * sizeof(Node));
    if (n) memcpy(array, scratch[depth].items, (size_t)n * sizeof(Node));
    *items = array;
    *count = n;
}

typedef struct { Node *items; uint32_t count; } Tree;

static Tree build_tree(void) {
    Tree tree;
    hREADER reader = open_reader();
    build_level(reader, 0, FALSE, &tree.items, &tree.count);
    CHECK(ion_reader_close(reader));
    return tree;
}

static void free_nodes(Node *items, uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        Node *n = &items[i];
        switch (n->kind) {
        case K_BIGINT: ion_int_free(n->u.bigint); break;
        case K_BIGDEC: ion_decimal_free(n->u.bigdec); free(n->u.bigdec); break;
        case K_STRING:
        case K_CLOB:
        case K_BLOB:
            if (!n->is_inline) free(n->u.heap.ptr);
            break;
        case K_LIST:
        case K_SEXP:
        case K_STRUCT: free_nodes(n->u.c.items, n->u.c.count); break;
        case K_ANNOTATIONS: free(n->u.annots.ids); break;
        default: break;
        }
    }
    free(items);
}

static uint64_t count_nodes(const Node *items, uint32_t count) {
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        const Node *n = &items[i];
        if (n->kind == K_ANNOTATIONS) continue;
        total++;
        if (n->kind == K_LIST || n->kind == K_SEXP || n->kind == K_STRUCT) total += count_nodes(n->u.c.items, n->u.c.count);
    }
    return total;
}

static void op_tree(void) {
    Tree tree = build_tree();
    sink += tree.count;
    free_nodes(tree.items, tree.count);
}

/* ---------------------------------------------------------------- writing the tree */

static ION_STRING *text_of(uint32_t id) { return &names.texts[id]; }

static void node_bytes(Node *n, BYTE **bytes, SIZE *length) {
    if (n->is_inline) {
        *bytes = n->u.bytes;
        *length = n->inline_length;
    } else {
        *bytes = n->u.heap.ptr;
        *length = n->u.heap.length;
    }
}

static void write_nodes(hWRITER w, Node *items, uint32_t count) {
    for (uint32_t i = 0; i < count; i++) {
        Node *n = &items[i];
        if (n->field != NO_FIELD) CHECK(ion_writer_write_field_name(w, text_of(n->field)));
        if (n->kind == K_ANNOTATIONS) {
            uint32_t *ids = n->u.annots.ids ? n->u.annots.ids : n->u.annots.inline_ids;
            for (uint32_t k = 0; k < n->u.annots.count; k++) CHECK(ion_writer_add_annotation(w, text_of(ids[k])));
            /* The annotated value follows; its field name was written with the annotations. */
            n = &items[++i];
        }
        switch (n->kind) {
        case K_NULL: CHECK(ion_writer_write_typed_null(w, (ION_TYPE)n->u.null_type)); break;
        case K_BOOL: CHECK(ion_writer_write_bool(w, n->u.b)); break;
        case K_INT: CHECK(ion_writer_write_int64(w, n->u.i)); break;
        case K_BIGINT: CHECK(ion_writer_write_ion_int(w, n->u.bigint)); break;
        case K_FLOAT: CHECK(ion_writer_write_double(w, n->u.f)); break;
        case K_DECIMAL: CHECK(ion_writer_write_decimal(w, &n->u.d)); break;
        case K_BIGDEC: CHECK(ion_writer_write_ion_decimal(w, n->u.bigdec)); break;
        case K_TIMESTAMP: CHECK(ion_writer_write_timestamp(w, &n->u.ts)); break;
        case K_SYMBOL: CHECK(ion_writer_write_symbol(w, text_of(n->u.id))); break;
        case K_SYMBOL_SID: {
            ION_SYMBOL s;
            memset(&s, 0, sizeof s);
            s.sid = n->u.sid;
            CHECK(ion_writer_write_ion_symbol(w, &s));
            break;
        }
        case K_STRING: {
            ION_STRING s;
            node_bytes(n, &s.value, &s.length);
            CHECK(ion_writer_write_string(w, &s));
            break;
        }
        case K_CLOB:
        case K_BLOB: {
            BYTE *bytes;
            SIZE length;
            node_bytes(n, &bytes, &length);
            if (n->kind == K_CLOB) CHECK(ion_writer_write_clob(w, bytes, length));
            else CHECK(ion_writer_write_blob(w, bytes, length));
            break;
        }
        case K_LIST:
        case K_SEXP:
        case K_STRUCT:
            CHECK(ion_writer_start_container(w, n->kind == K_LIST ? tid_LIST : n->kind == K_SEXP ? tid_SEXP : tid_STRUCT));
            write_nodes(w, n->u.c.items, n->u.c.count);
            CHECK(ion_writer_finish_container(w));
            break;
        default: die("corrupt tree");
        }
    }
}

static BYTE *output;
static SIZE output_cap;

/* Writes the tree into `output`; returns the byte count, or -1 when `output` is too small. */
static SIZE write_tree(Tree *tree, BOOL binary) {
    hWRITER w;
    ION_WRITER_OPTIONS options;
    memset(&options, 0, sizeof options);
    options.output_as_binary = binary;
    options.max_container_depth = 64;
    options.max_annotation_count = 64;
    options.decimal_context = wide_decimal_context();
    CHECK(ion_writer_open_buffer(&w, output, output_cap, &options));
    write_nodes(w, tree->items, tree->count);
    SIZE written = 0;
    iERR err = ion_writer_finish(w, &written);
    iERR close_err = ion_writer_close(w);
    if (err == IERR_EOF || err == IERR_BUFFER_TOO_SMALL || err == IERR_WRITE_ERROR) return -1;
    CHECK(err);
    CHECK(close_err);
    return written;
}

/* Sizes `output` for the tree (untimed): grows it until a whole write fits. */
static SIZE prepare_output(Tree *tree, BOOL binary) {
    if (!output) {
        output_cap = input_length * 3 + (1 << 20);
        output = xmalloc((size_t)output_cap);
    }
    for (;;) {
        SIZE written = write_tree(tree, binary);
        if (written >= 0) return written;
        if (output_cap > INT32_MAX / 2) die("output larger than 1 GiB");
        output_cap *= 2;
        output = xrealloc(output, (size_t)output_cap);
    }
}

/* ---------------------------------------------------------------- main */

static Tree prepared_tree;

static void op_write_binary(void) { sink += (uint64_t)write_tree(&prepared_tree, TRUE); }
static void op_write_text(void) { sink += (uint64_t)write_tree(&prepared_tree, FALSE); }

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr,
                "usage: %s OPERATION FILE ROUNDS\n"
                "  OPERATION: scan | read-scalars | lazy-tree | tree | write-binary | write-text\n"
                "             (untimed checks: count | emit-binary | emit-text)\n"
                "  prints `OPERATION BEST_NANOSECONDS_PER_ROUND` (best of ROUNDS after one warm-up)\n",
                argv[0]);
        return 64;
    }
    const char *op = argv[1];
    char *end;
    long rounds = strtol(argv[3], &end, 10);
    if (*end || rounds < 1) die("ROUNDS must be a positive integer");
    load(argv[2]);
    CHECK(ion_int_alloc(NULL, &scratch_int));

    void (*run)(void) = NULL;
    if (!strcmp(op, "scan")) run = op_scan;
    else if (!strcmp(op, "read-scalars") || !strcmp(op, "lazy-tree")) run = op_read_scalars;
    else if (!strcmp(op, "tree")) run = op_tree;
    else if (!strcmp(op, "write-binary") || !strcmp(op, "write-text")) {
        BOOL binary = !strcmp(op, "write-binary");
        prepared_tree = build_tree();
        prepare_output(&prepared_tree, binary);
        run = binary ? op_write_binary : op_write_text;
    } else if (!strcmp(op, "count")) {
        Tree tree = build_tree();
        printf("count %u top-level values, %llu values, %u distinct names, %d bytes, %zu-byte nodes\n", tree.count,
               (unsigned long long)count_nodes(tree.items, tree.count), names.count, (int)input_length, sizeof(Node));
        return 0;
    } else if (!strcmp(op, "emit-binary") || !strcmp(op, "emit-text")) {
        Tree tree = build_tree();
        SIZE n = prepare_output(&tree, !strcmp(op, "emit-binary"));
        fwrite(output, 1, (size_t)n, stdout);
        return 0;
    } else {
        fprintf(stderr, "ion-c-harness: unknown operation %s\n", op);
        return 64;
    }

    run(); /* warm-up, untimed */
    uint64_t best = UINT64_MAX;
    for (long r = 0; r < rounds; r++) {
        uint64_t start = now_ns();
        run();
        uint64_t elapsed = now_ns() - start;
        if (elapsed < best) best = elapsed;
    }
    printf("%s %llu\n", op, (unsigned long long)best);
    return 0;
}
