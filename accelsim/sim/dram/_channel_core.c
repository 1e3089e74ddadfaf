/*
 * The DDR3 channel controller of accelsim/sim/dram/controller.py, compiled.
 *
 * Same model, same results, bit for bit: an open-page FR-FCFS controller with a
 * bounded queue and all-bank refresh, clock by clock of the DRAM clock, with the
 * per-clock order that controller.py's module docstring states:
 *
 *   1. a refresh falls due every tREFI (absolute schedule); its rank's bursts
 *      are not scheduled until the REF;
 *   2. the front end admits one burst if it has arrived and the queue has room
 *      (schedulable from the next clock);
 *   3. at most one command: a pending refresh first (PREA if a bank of the rank
 *      is open, else REF, ranks in order), else FR-FCFS: the ready command with
 *      the smallest (clock, miss, age), where each bank offers the RD of its
 *      oldest read hit and the WR of its oldest write hit, or, with no hit, the
 *      ACT (bank closed) or PRE (open on another row) of its oldest burst.
 *
 * Clocks where nothing can happen are jumped over. The timing rules are not
 * derived here: ChannelState (state.py) derives them from timing.py and passes
 * them in as (next command, delay) tables, so this file holds only the
 * scheduler. The Python controller stays the reference; tests/sim/dram compare
 * the two on random traffic, command log included.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define NCMD 6
#define MAXRULES 16
enum { ACT = 0, PRE = 1, PREA = 2, RD = 3, WR = 4, REF = 5 };
static const char *CMD_NAMES[NCMD] = {"ACT", "PRE", "PREA", "RD", "WR", "REF"};
static const int64_t NEVER = (int64_t)1 << 62;

/* A rule: ``cmd`` waits ``d`` clocks after the command it belongs to. In the
 * late_rules tables (rank rules towards PREA and REF, applied when asked, as
 * ChannelState.rank_time does) ``cmd`` is the earlier command instead. */
typedef struct { int cmd; int64_t d; } Rule;
typedef struct { int n; Rule r[MAXRULES]; } Rules;

typedef struct {
    int64_t seq, row, enq;
    Py_ssize_t req;  /* request id: index into done / first_enq */
    int bank, wr;
} Entry;

typedef struct {
    PyObject_HEAD
    int nb, nr, banks, depth, faw_count;
    int64_t faw_cycles, trefi, lat[2];
    int rs, bs, ws;
    int64_t rm, bm, wm;
    Rules bank_rules[NCMD], rank_rules[NCMD], other_rules[NCMD], late_rules[NCMD];
    int64_t *bn, *rn, *last, *faw, *open_row, *ref_due;
    int *pending;
    /* The queue, bank by bank: bank b's bursts, oldest first, are bq[b * depth ..
     * b * depth + bqn[b]). rhit[b] / whit[b]: index there of the oldest read / write
     * hit of the open row, -1 if none (kept up to date by every change). */
    Entry *bq;
    int *bqn, *rhit, *whit;
    int qlen;
    int64_t seq, cycle, acts, cols, refreshes;
} Core;

static inline int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int parse_rules(PyObject *seq, Rules *out, const char *what) {
    /* seq: for each command, a sequence of (int, int) pairs */
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    if (PySequence_Fast_GET_SIZE(fast) != NCMD) {
        PyErr_Format(PyExc_ValueError, "%s: expected %d entries", what, NCMD);
        Py_DECREF(fast);
        return -1;
    }
    for (int c = 0; c < NCMD; c++) {
        PyObject *pairs = PySequence_Fast(PySequence_Fast_GET_ITEM(fast, c), what);
        if (!pairs) { Py_DECREF(fast); return -1; }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(pairs);
        if (n > MAXRULES) {
            PyErr_Format(PyExc_ValueError, "%s: too many rules", what);
            Py_DECREF(pairs); Py_DECREF(fast);
            return -1;
        }
        out[c].n = (int)n;
        for (Py_ssize_t i = 0; i < n; i++) {
            int cmd; long long d;
            if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(pairs, i), "iL", &cmd, &d)) {
                Py_DECREF(pairs); Py_DECREF(fast);
                return -1;
            }
            if (cmd < 0 || cmd >= NCMD || d < 0) {
                PyErr_Format(PyExc_ValueError, "%s: bad rule (%d, %lld)", what, cmd, d);
                Py_DECREF(pairs); Py_DECREF(fast);
                return -1;
            }
            out[c].r[i].cmd = cmd;
            out[c].r[i].d = d;
        }
        Py_DECREF(pairs);
    }
    Py_DECREF(fast);
    return 0;
}

static void core_dealloc(Core *self) {
    PyMem_Free(self->bn); PyMem_Free(self->rn); PyMem_Free(self->last); PyMem_Free(self->faw);
    PyMem_Free(self->open_row); PyMem_Free(self->ref_due); PyMem_Free(self->pending);
    PyMem_Free(self->bq); PyMem_Free(self->bqn); PyMem_Free(self->rhit); PyMem_Free(self->whit);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int core_init(Core *self, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"nranks", "banks", "depth", "trefi", "refresh_enabled",
                             "read_latency", "write_latency", "faw_count", "faw_cycles",
                             "bank_rules", "rank_rules", "other_rules", "late_rules",
                             "field_shifts", "field_masks", NULL};
    int nr, banks, depth, refresh, faw_count;
    long long trefi, lrd, lwr, faw_cycles, rm, bm, wm;
    PyObject *br, *rr, *orr, *lr;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "iiiLpLLiLOOOO(iii)(LLL)", kwlist, &nr, &banks,
                                     &depth, &trefi, &refresh, &lrd, &lwr, &faw_count,
                                     &faw_cycles, &br, &rr, &orr, &lr, &self->rs, &self->bs,
                                     &self->ws, &rm, &bm, &wm))
        return -1;
    if (nr < 1 || banks < 1 || depth < 1 || faw_count < 1 || trefi < 1) {
        PyErr_SetString(PyExc_ValueError, "ranks, banks, queue depth, tFAW count and tREFI must be >= 1");
        return -1;
    }
    if (parse_rules(br, self->bank_rules, "bank_rules") || parse_rules(rr, self->rank_rules, "rank_rules")
        || parse_rules(orr, self->other_rules, "other_rules") || parse_rules(lr, self->late_rules, "late_rules"))
        return -1;
    self->nr = nr; self->banks = banks; self->nb = nr * banks; self->depth = depth;
    self->trefi = trefi; self->lat[0] = lrd; self->lat[1] = lwr;
    self->faw_count = faw_count; self->faw_cycles = faw_cycles;
    self->rm = rm; self->bm = bm; self->wm = wm;
    int nb = self->nb;
    self->bn = PyMem_Calloc((size_t)nb * NCMD, sizeof(int64_t));
    self->rn = PyMem_Calloc((size_t)nr * NCMD, sizeof(int64_t));
    self->last = PyMem_Calloc((size_t)nr * NCMD, sizeof(int64_t));
    self->faw = PyMem_Calloc((size_t)nr * faw_count, sizeof(int64_t));
    self->open_row = PyMem_Calloc((size_t)nb, sizeof(int64_t));
    self->ref_due = PyMem_Calloc((size_t)nr, sizeof(int64_t));
    self->pending = PyMem_Calloc((size_t)nr, sizeof(int));
    self->bq = PyMem_Calloc((size_t)nb * depth, sizeof(Entry));
    self->bqn = PyMem_Calloc((size_t)nb, sizeof(int));
    self->rhit = PyMem_Calloc((size_t)nb, sizeof(int));
    self->whit = PyMem_Calloc((size_t)nb, sizeof(int));
    if (!self->bn || !self->rn || !self->last || !self->faw || !self->open_row || !self->ref_due
        || !self->pending || !self->bq || !self->bqn || !self->rhit || !self->whit) {
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i < nr * NCMD; i++) self->last[i] = -NEVER;
    for (int i = 0; i < nr * faw_count; i++) self->faw[i] = -NEVER;
    for (int b = 0; b < nb; b++) self->open_row[b] = self->rhit[b] = self->whit[b] = -1;
    for (int r = 0; r < nr; r++) self->ref_due[r] = refresh ? trefi : NEVER;
    return 0;
}

/* --- timing state ------------------------------------------------------ */

static inline int64_t rank_time(Core *s, int r, int cmd) {
    int64_t t = s->rn[r * NCMD + cmd];
    const Rules *late = &s->late_rules[cmd];
    for (int i = 0; i < late->n; i++)
        t = max64(t, s->last[r * NCMD + late->r[i].cmd] + late->r[i].d);
    return t;
}

static inline int rank_open(Core *s, int r) {
    for (int b = r * s->banks; b < (r + 1) * s->banks; b++)
        if (s->open_row[b] >= 0) return 1;
    return 0;
}

static inline int refresh_cmd(Core *s, int r) { return rank_open(s, r) ? PREA : REF; }

static int log_cmd(PyObject *log, int64_t c, int cmd, int rank, int bank) {
    if (log == Py_None) return 0;
    PyObject *rec = Py_BuildValue("(Lsii)", (long long)c, CMD_NAMES[cmd], rank, bank);
    if (!rec) return -1;
    int rc = PyList_Append(log, rec);
    Py_DECREF(rec);
    return rc;
}

/* Index of the first burst of direction ``wr`` hitting the open row at or after
 * ``from`` in bank b's queue; -1 if none. */
static inline int next_hit(const Core *s, int b, int from, int wr) {
    const Entry *q = &s->bq[(size_t)b * s->depth];
    for (int i = from; i < s->bqn[b]; i++)
        if (q[i].wr == wr && q[i].row == s->open_row[b]) return i;
    return -1;
}

static inline void close_bank(Core *s, int b) { s->open_row[b] = -1; s->rhit[b] = s->whit[b] = -1; }

/* Apply command ``cmd`` at clock ``t`` on rank ``r`` (and flat bank ``b``, -1 for rank commands). */
static void issue(Core *s, int cmd, int r, int b, int64_t t, int64_t row) {
    if (b >= 0) {
        int64_t *nxt = &s->bn[b * NCMD];
        const Rules *rules = &s->bank_rules[cmd];
        for (int i = 0; i < rules->n; i++) nxt[rules->r[i].cmd] = max64(nxt[rules->r[i].cmd], t + rules->r[i].d);
    }
    int64_t *rnr = &s->rn[r * NCMD];
    const Rules *rules = &s->rank_rules[cmd];
    for (int i = 0; i < rules->n; i++) rnr[rules->r[i].cmd] = max64(rnr[rules->r[i].cmd], t + rules->r[i].d);
    s->last[r * NCMD + cmd] = max64(s->last[r * NCMD + cmd], t);
    if (s->nr > 1) {
        const Rules *other = &s->other_rules[cmd];
        for (int o = 0; o < s->nr; o++) {
            if (o == r) continue;
            int64_t *on = &s->rn[o * NCMD];
            for (int i = 0; i < other->n; i++) on[other->r[i].cmd] = max64(on[other->r[i].cmd], t + other->r[i].d);
        }
    }
    switch (cmd) {
    case ACT: {
        s->open_row[b] = row;
        s->rhit[b] = next_hit(s, b, 0, 0);
        s->whit[b] = next_hit(s, b, 0, 1);
        int64_t *win = &s->faw[r * s->faw_count];
        memmove(win, win + 1, (size_t)(s->faw_count - 1) * sizeof(int64_t));
        win[s->faw_count - 1] = t;
        rnr[ACT] = max64(rnr[ACT], win[0] + s->faw_cycles);  /* tFAW folded into the rank's ACT time */
        s->acts++;
        break;
    }
    case PRE: close_bank(s, b); break;
    case PREA:
        for (int k = r * s->banks; k < (r + 1) * s->banks; k++) close_bank(s, k);
        break;
    case REF: s->refreshes++; break;
    default: break;
    }
}

/* Refreshes of an idle rank with all banks closed before ``until``, in one step (ChannelState._skip_idle_refreshes). */
static void skip_idle_refreshes(Core *s, int64_t until) {
    for (int r = 0; r < s->nr; r++) {
        int64_t due = s->ref_due[r];
        if (until - due < 2 * s->trefi) continue;
        int64_t k = (until - due) / s->trefi;
        if (!s->pending[r] && !rank_open(s, r) && rank_time(s, r, REF) <= due && due >= s->cycle) {
            int64_t t = due + (k - 1) * s->trefi;
            issue(s, REF, r, -1, t, -1);
            s->refreshes += k - 1;
            s->ref_due[r] = t + s->trefi;
            s->cycle = max64(s->cycle, t + 1);
        }
    }
}

/* --- the front end: runs of bursts (accelsim.sim.dram.frontend.Run) ------ */

typedef struct {
    int64_t local_start, count, avail, req_base, req_offset, req_stride, bpr;
    int is_write;
    PyObject *placed;  /* list of (bank, row, req, is_write), or NULL when contiguous */
} RunView;

static int get_i64(PyObject *obj, const char *name, int64_t *out) {
    PyObject *v = PyObject_GetAttrString(obj, name);
    if (!v) return -1;
    long long x = PyLong_AsLongLong(v);
    Py_DECREF(v);
    if (x == -1 && PyErr_Occurred()) return -1;
    *out = x;
    return 0;
}

static int read_run(PyObject *run, RunView *v) {
    int64_t w;
    if (get_i64(run, "local_start", &v->local_start) || get_i64(run, "count", &v->count)
        || get_i64(run, "avail", &v->avail) || get_i64(run, "req_base", &v->req_base)
        || get_i64(run, "req_offset", &v->req_offset) || get_i64(run, "req_stride", &v->req_stride)
        || get_i64(run, "bursts_per_req", &v->bpr) || get_i64(run, "is_write", &w))
        return -1;
    v->is_write = w != 0;
    PyObject *placed = PyObject_GetAttrString(run, "placed");
    if (!placed) return -1;
    if (placed == Py_None) {
        Py_DECREF(placed);
        v->placed = NULL;
        PyObject *scatter = PyObject_GetAttrString(run, "scatter");
        if (!scatter) return -1;
        int scattered = scatter != Py_None;
        Py_DECREF(scatter);
        if (scattered) {
            PyErr_SetString(PyExc_ValueError, "a scattered run must be placed before it is served");
            return -1;
        }
    } else {
        if (!PyList_Check(placed) || PyList_GET_SIZE(placed) != v->count) {
            Py_DECREF(placed);
            PyErr_SetString(PyExc_ValueError, "run.placed must be a list of run.count tuples");
            return -1;
        }
        v->placed = placed;  /* owned until the run is done */
    }
    return 0;
}

/* done[i] = max(done[i], value) on a Python list of ints; first_enq likewise with min. */
static int list_update(PyObject *list, Py_ssize_t i, int64_t value, int keep_max) {
    if (i < 0 || i >= PyList_GET_SIZE(list)) {
        PyErr_SetString(PyExc_IndexError, "request id out of range of done/first_enq");
        return -1;
    }
    long long cur = PyLong_AsLongLong(PyList_GET_ITEM(list, i));
    if (cur == -1 && PyErr_Occurred()) return -1;
    if (keep_max ? cur >= value : cur <= value) return 0;
    PyObject *nv = PyLong_FromLongLong(value);
    if (!nv) return -1;
    PyList_SetItem(list, i, nv);  /* steals nv, drops the old item */
    return 0;
}

/* --- serve ---------------------------------------------------------------- */

/* Serve ``first`` (if given), then the runs of ``fast`` (a PySequence_Fast, or NULL), in order. */
static int serve_impl(Core *s, RunView *first, PyObject *fast, PyObject *done, PyObject *first_enq,
                      PyObject *log) {
    Py_ssize_t nruns = fast ? PySequence_Fast_GET_SIZE(fast) : 0;
    RunView run = {0};
    Py_ssize_t ri = 0;   /* the front end's run, and its next burst */
    int64_t pos = 0;
    int have_run = 0;
    int ok = 0;

#define NEXT_RUN()                                                                    \
    do {                                                                              \
        Py_CLEAR(run.placed);                                                         \
        have_run = 0;                                                                 \
        while (ri < nruns) {                                                          \
            if (read_run(PySequence_Fast_GET_ITEM(fast, ri++), &run)) goto fail;      \
            if (run.count > 0) { have_run = 1; break; }                               \
            Py_CLEAR(run.placed);                                                     \
        }                                                                             \
        pos = 0;                                                                      \
    } while (0)

    Py_ssize_t last_admitted = -1, done_req = -1;  /* see the front end and column commands below */
    int64_t done_val = 0;
    if (first && first->count > 0) {
        run = *first;
        Py_XINCREF(run.placed);
        have_run = 1;
    } else {
        NEXT_RUN();
    }
    int64_t c = s->cycle;
    if (s->qlen == 0 && have_run && run.avail > c) {
        skip_idle_refreshes(s, run.avail);
        c = s->cycle;
    }
    const int nb = s->nb, nr = s->nr, banks = s->banks;
    while (s->qlen || have_run) {
        /* 1. refresh falls due */
        for (int r = 0; r < nr; r++)
            if (!s->pending[r] && c >= s->ref_due[r]) s->pending[r] = 1;
        /* 2. front end */
        if (have_run && s->qlen < s->depth && run.avail <= c) {
            Entry e;
            if (run.placed) {
                PyObject *t = PyList_GET_ITEM(run.placed, pos);
                long long bank, row, rq; int wr;
                if (!PyArg_ParseTuple(t, "LLLp", &bank, &row, &rq, &wr)) goto fail;
                if (bank < 0 || bank >= nb) {
                    PyErr_SetString(PyExc_ValueError, "placed bank out of range");
                    goto fail;
                }
                e.bank = (int)bank; e.row = row; e.wr = wr; e.req = (Py_ssize_t)rq;
            } else {
                int64_t local = run.local_start + pos;
                e.bank = (int)(((local >> s->rs) & s->rm) * banks + ((local >> s->bs) & s->bm));
                e.row = (local >> s->ws) & s->wm;
                e.wr = run.is_write;
                e.req = (Py_ssize_t)(run.req_base + (run.req_offset + pos * run.req_stride) / run.bpr);
            }
            e.seq = s->seq++;
            e.enq = c;
            int b = e.bank, n = s->bqn[b]++;
            s->bq[(size_t)b * s->depth + n] = e;
            s->qlen++;
            if (e.row == s->open_row[b]) {  /* the youngest: the oldest hit its way only if none was queued */
                int *hit = e.wr ? &s->whit[b] : &s->rhit[b];
                if (*hit < 0) *hit = n;
            }
            /* Admission clocks grow, so only a request's first burst in this serve can lower first_enq. */
            if (e.req != last_admitted && list_update(first_enq, e.req, c, 0)) goto fail;
            last_admitted = e.req;
            if (++pos == run.count) NEXT_RUN();
        }
        /* 3. a pending refresh first */
        int refreshed = 0;
        for (int r = 0; r < nr && !refreshed; r++) {
            if (!s->pending[r]) continue;
            int cmd = refresh_cmd(s, r);
            if (rank_time(s, r, cmd) <= c) {
                issue(s, cmd, r, -1, c, -1);
                if (log_cmd(log, c, cmd, r, -1)) goto fail;
                if (cmd == REF) {
                    s->pending[r] = 0;
                    s->ref_due[r] += s->trefi;
                }
                refreshed = 1;
            }
        }
        if (refreshed) { c++; continue; }
        /* 4. FR-FCFS: each bank's candidates, the smallest (clock, miss, age) */
        int64_t best_t = NEVER, best_seq = 0;
        int best_miss = 1, best_i = -1, best_b = -1, best_cmd = -1;
        for (int b = 0; b < nb; b++) {
            if (s->bqn[b] == 0) continue;
            int r = b / banks;
            if (s->pending[r]) continue;
            const int64_t *bnb = &s->bn[b * NCMD], *rnr = &s->rn[r * NCMD];
            int cand_i[2], cand_cmd[2], ncand = 0, miss;
            if (s->rhit[b] >= 0 || s->whit[b] >= 0) {
                miss = 0;
                if (s->rhit[b] >= 0) { cand_i[ncand] = s->rhit[b]; cand_cmd[ncand++] = RD; }
                if (s->whit[b] >= 0) { cand_i[ncand] = s->whit[b]; cand_cmd[ncand++] = WR; }
            } else {
                miss = 1;
                cand_i[0] = 0;
                cand_cmd[0] = s->open_row[b] >= 0 ? PRE : ACT;
                ncand = 1;
            }
            const Entry *q = &s->bq[(size_t)b * s->depth];
            for (int k = 0; k < ncand; k++) {
                const Entry *e = &q[cand_i[k]];
                int cmd = cand_cmd[k];
                int64_t t = max64(max64(e->enq + 1, c), max64(bnb[cmd], rnr[cmd]));
                if (t < best_t || (t == best_t && (miss < best_miss || (miss == best_miss && e->seq < best_seq)))) {
                    best_t = t; best_miss = miss; best_seq = e->seq; best_i = cand_i[k]; best_b = b; best_cmd = cmd;
                }
            }
        }
        if (best_i >= 0 && best_t == c) {
            int b = best_b, r = b / banks, i = best_i;
            Entry *e = &s->bq[(size_t)b * s->depth + i];
            issue(s, best_cmd, r, b, c, e->row);
            if (log_cmd(log, c, best_cmd, r, b)) goto fail;
            if (best_cmd == RD || best_cmd == WR) {
                /* done[req] is the max over its bursts: kept here while the same request goes on */
                int64_t end = c + s->lat[e->wr];
                if (e->req == done_req) {
                    done_val = max64(done_val, end);
                } else {
                    if (done_req >= 0 && list_update(done, done_req, done_val, 1)) goto fail;
                    done_req = e->req;
                    done_val = end;
                }
                int wr = e->wr;
                memmove(e, e + 1, (size_t)(s->bqn[b] - i - 1) * sizeof(Entry));
                s->bqn[b]--;
                s->qlen--;
                s->cols++;
                /* The issued hit was its way's oldest: the next is at or after i; the other way's shifts. */
                int *same = wr ? &s->whit[b] : &s->rhit[b], *other = wr ? &s->rhit[b] : &s->whit[b];
                *same = next_hit(s, b, i, wr);
                if (*other > i) (*other)--;
            }
            c++;
            continue;
        }
        /* 5. nothing to issue now: jump to the next clock where something may happen */
        int64_t nxt = best_t;
        for (int r = 0; r < nr; r++) {
            if (!s->pending[r]) nxt = min64(nxt, s->ref_due[r]);
            else nxt = min64(nxt, max64(c + 1, rank_time(s, r, refresh_cmd(s, r))));
        }
        if (have_run && s->qlen < s->depth) nxt = min64(nxt, max64(run.avail, c + 1));
        if (nxt >= NEVER) {
            PyErr_SetString(PyExc_RuntimeError, "DDR3 controller stalled with work queued (model bug)");
            goto fail;
        }
        c = nxt;
    }
    if (done_req >= 0 && list_update(done, done_req, done_val, 1)) goto fail;
    ok = 1;
fail:
    Py_CLEAR(run.placed);
    if (!ok) return -1;
    s->cycle = c;
    return 0;
#undef NEXT_RUN
}

static int check_log(PyObject *log) {
    if (log != Py_None && !PyList_Check(log)) {
        PyErr_SetString(PyExc_TypeError, "log must be a list or None");
        return -1;
    }
    return 0;
}

static PyObject *core_serve(Core *s, PyObject *args) {
    PyObject *runs, *done, *first_enq, *log;
    if (!PyArg_ParseTuple(args, "OO!O!O", &runs, &PyList_Type, &done, &PyList_Type, &first_enq, &log)
        || check_log(log))
        return NULL;
    PyObject *fast = PySequence_Fast(runs, "runs must be a sequence");
    if (!fast) return NULL;
    int rc = serve_impl(s, NULL, fast, done, first_enq, log);
    Py_DECREF(fast);
    if (rc) return NULL;
    Py_RETURN_NONE;
}

/* One request of ``count`` contiguous channel-local bursts from ``avail``: its completion clock. */
static PyObject *core_transfer(Core *s, PyObject *args) {
    long long local_start, count, avail;
    int is_write;
    PyObject *log;
    if (!PyArg_ParseTuple(args, "LLpLO", &local_start, &count, &is_write, &avail, &log) || check_log(log))
        return NULL;
    if (count < 1 || local_start < 0 || avail < 0) {
        PyErr_SetString(PyExc_ValueError, "transfer needs count >= 1 and local_start, avail >= 0");
        return NULL;
    }
    RunView run = {local_start, count, avail, 0, 0, 1, count, is_write, NULL};
    PyObject *done = Py_BuildValue("[L]", -1LL), *first_enq = Py_BuildValue("[L]", (long long)NEVER);
    PyObject *out = NULL;
    if (done && first_enq && serve_impl(s, &run, NULL, done, first_enq, log) == 0) {
        out = PyList_GET_ITEM(done, 0);
        Py_INCREF(out);
    }
    Py_XDECREF(done);
    Py_XDECREF(first_enq);
    return out;
}

static PyObject *core_get(Core *s, void *which) {
    switch ((intptr_t)which) {
    case 0: return PyLong_FromLongLong(s->cycle);
    case 1: return PyLong_FromLongLong(s->acts);
    case 2: return PyLong_FromLongLong(s->cols);
    case 3: return PyLong_FromLongLong(s->refreshes);
    case 4: return PyLong_FromLong(s->qlen);
    default: {
        PyObject *rows = PyList_New(s->nb);
        if (!rows) return NULL;
        for (int b = 0; b < s->nb; b++) PyList_SET_ITEM(rows, b, PyLong_FromLongLong(s->open_row[b]));
        return rows;
    }
    }
}

static PyGetSetDef core_getset[] = {
    {"cycle", (getter)core_get, NULL, "controller clock where the last serve stopped", (void *)0},
    {"acts", (getter)core_get, NULL, "ACT commands issued", (void *)1},
    {"column_commands", (getter)core_get, NULL, "RD and WR commands issued", (void *)2},
    {"refreshes", (getter)core_get, NULL, "REF commands issued", (void *)3},
    {"qlen", (getter)core_get, NULL, "bursts in the queue", (void *)4},
    {"open_row", (getter)core_get, NULL, "open row per flat bank (-1: closed), a copy", (void *)5},
    {NULL},
};

static PyMethodDef core_methods[] = {
    {"serve", (PyCFunction)core_serve, METH_VARARGS,
     "serve(runs, done, first_enq, log): ChannelController.serve, compiled."},
    {"transfer", (PyCFunction)core_transfer, METH_VARARGS,
     "transfer(local_start, count, is_write, avail, log) -> completion clock of one contiguous request."},
    {NULL},
};

static PyTypeObject CoreType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "accelsim.sim.dram._channel_core.ChannelCore",
    .tp_basicsize = sizeof(Core),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One DDR3 channel's FR-FCFS controller state and scheduler (see controller.py).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)core_init,
    .tp_dealloc = (destructor)core_dealloc,
    .tp_methods = core_methods,
    .tp_getset = core_getset,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_channel_core",
    "The DDR3 channel controller's scheduler loop in C (see accelsim/sim/dram/compiled.py).", -1, NULL,
};

PyMODINIT_FUNC PyInit__channel_core(void) {
    if (PyType_Ready(&CoreType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&CoreType);
    if (PyModule_AddObject(m, "ChannelCore", (PyObject *)&CoreType) < 0) {
        Py_DECREF(&CoreType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
