/*
 * The scheduler of accelsim/sim/dram/controller.py, compiled: same model, same
 * results, bit for bit. An open-page FR-FCFS controller with a bounded queue and
 * refresh, clock by clock of the DRAM clock, in the per-clock order that
 * controller.py's module docstring states:
 *
 *   1. a refresh falls due every refresh interval (absolute schedule); its rank's
 *      (per-bank refresh: its bank's) bursts are not scheduled until it is issued;
 *   2. the front end admits one burst if it has arrived and the queue has room
 *      (schedulable from the next clock);
 *   3. at most one command per command bus: for each free bus, a pending refresh
 *      first (the precharge it needs, then the refresh, ranks in order), else
 *      FR-FCFS: the ready command with the smallest (clock, miss, age), where each
 *      bank offers the RD of its oldest read hit and the WR of its oldest write
 *      hit, or, with no hit, the ACT (bank closed) or PRE (open on another row)
 *      of its oldest burst.
 *
 * Clocks where nothing can happen are jumped over.
 */
#include "_channel_core.h"

#include <string.h>

/* --- timing state ------------------------------------------------------ */

static inline void apply(int64_t *next, const Rules *rules, int64_t t) {
    for (int i = 0; i < rules->n; i++) {
        int64_t v = t + rules->r[i].d;
        if (next[rules->r[i].cmd] < v) next[rules->r[i].cmd] = v;
    }
}

static int64_t core_rank_time(const Core *s, int r, int cmd) {
    int64_t t = s->rn[r * s->ncmd + cmd];
    const Rules *late = &s->rules[S_LATE][cmd];
    for (int i = 0; i < late->n; i++)
        t = max64(t, s->last[r * s->ncmd + late->r[i].cmd] + late->r[i].d);
    return t;
}

/* First clock every rule allows ``cmd`` on rank r (flat bank b, -1 for a rank command). */
static inline int64_t earliest(const Core *s, int cmd, int r, int b) {
    int64_t t = max64(core_rank_time(s, r, cmd), s->cn[cmd]);
    if (b >= 0) t = max64(t, max64(s->bn[b * s->ncmd + cmd], s->gn[(b / s->nbg) * s->ncmd + cmd]));
    return max64(t, 0);
}

static int core_rank_open(const Core *s, int r) {
    for (int b = r * s->banks; b < (r + 1) * s->banks; b++)
        if (s->open_row[b] >= 0) return 1;
    return 0;
}

/* Index of the first burst of direction ``wr`` hitting the open row at or after
 * ``from`` in bank b's queue; -1 if none. */
static inline int next_hit(const Core *s, int b, int from, int wr) {
    const Entry *q = &s->bq[(size_t)b * s->depth];
    for (int i = from; i < s->bqn[b]; i++)
        if (q[i].wr == wr && q[i].row == s->open_row[b]) return i;
    return -1;
}

static void close_bank(Core *s, int b) {
    s->open_row[b] = -1;
    s->rhit[b] = s->whit[b] = -1;
}

/* Apply command ``cmd`` at clock ``t`` on rank r (and flat bank b, -1 for rank commands). */
static void core_issue(Core *s, int cmd, int r, int b, int64_t t, int64_t row) {
    const int nc = s->ncmd;
    if (b >= 0) {
        apply(&s->bn[b * nc], &s->rules[S_BANK][cmd], t);
        apply(&s->gn[(b / s->nbg) * nc], &s->rules[S_GROUP][cmd], t);
    }
    int64_t *rnr = &s->rn[r * nc];
    apply(rnr, &s->rules[S_RANK][cmd], t);
    apply(s->cn, &s->rules[S_CHANNEL][cmd], t);
    s->last[r * nc + cmd] = max64(s->last[r * nc + cmd], t);
    if (s->nr > 1 && s->rules[S_SIBLING][cmd].n)
        for (int o = 0; o < s->nr; o++)
            if (o != r) apply(&s->rn[o * nc], &s->rules[S_SIBLING][cmd], t);
    if (cmd == s->role[R_ACT]) {
        s->open_row[b] = row;
        s->rhit[b] = next_hit(s, b, 0, 0);
        s->whit[b] = next_hit(s, b, 0, 1);
        if (s->window_count) {
            int64_t *win = &s->window[r * s->window_count];
            memmove(win, win + 1, (size_t)(s->window_count - 1) * sizeof(int64_t));
            win[s->window_count - 1] = t;
            rnr[cmd] = max64(rnr[cmd], win[0] + s->window_cycles);  /* the window folded into ACT */
        }
        s->acts++;
    } else if (cmd == s->role[R_PRE]) {
        close_bank(s, b);
    } else if (cmd == s->role[R_PREA]) {
        for (int k = r * s->banks; k < (r + 1) * s->banks; k++) close_bank(s, k);
    } else if (cmd == s->ref_cmd) {
        s->refreshes++;
    }
}

/* --- output: done / first_enq lists and the command log ------------------ */

/* list[i] = max(list[i], value) (keep_max) or min, on a Python list of ints. */
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

static int out_done(Out *o, Py_ssize_t req, int64_t value) {
    if (req == o->done_req) { o->done_val = max64(o->done_val, value); return 0; }
    if (o->done_req >= 0 && list_update(o->done, o->done_req, o->done_val, 1)) return -1;
    o->done_req = req;
    o->done_val = value;
    return 0;
}

static int out_enq(Out *o, Py_ssize_t req, int64_t value) {
    if (req == o->enq_req) { o->enq_val = min64(o->enq_val, value); return 0; }
    if (o->enq_req >= 0 && list_update(o->first_enq, o->enq_req, o->enq_val, 0)) return -1;
    o->enq_req = req;
    o->enq_val = value;
    return 0;
}

static int out_flush(Out *o) {
    if (o->done_req >= 0 && list_update(o->done, o->done_req, o->done_val, 1)) return -1;
    if (o->enq_req >= 0 && list_update(o->first_enq, o->enq_req, o->enq_val, 0)) return -1;
    o->done_req = o->enq_req = -1;
    return 0;
}

static int out_log(const Core *s, Out *o, int64_t c, int cmd, int rank, int bank) {
    if (o->log == Py_None) return 0;
    PyObject *rec = Py_BuildValue("(LOii)", (long long)c, s->names[cmd], rank, bank);
    if (!rec) return -1;
    int rc = PyList_Append(o->log, rec);
    Py_DECREF(rec);
    return rc;
}

/* --- refresh ----------------------------------------------------------------- */

/* The command rank r's pending refresh needs next, and its flat bank (-1: the rank). */
static inline int refresh_command(const Core *s, int r, int *bank) {
    if (s->ref_per_bank) {
        *bank = s->ref_bank[r];
        return s->open_row[*bank] >= 0 ? s->ref_pre : s->ref_cmd;
    }
    *bank = -1;
    return core_rank_open(s, r) ? s->ref_pre : s->ref_cmd;
}

static void refresh_done(Core *s, int r) {
    s->pending[r] = 0;
    s->ref_due[r] += s->ref_interval;
    if (s->ref_per_bank) {
        int base = r * s->banks;
        s->ref_bank[r] = base + (s->ref_bank[r] - base + 1) % s->banks;
    }
}

static inline int blocked(const Core *s, int b) {
    int r = b / s->banks;
    return s->pending[r] && (!s->ref_per_bank || s->ref_bank[r] == b);
}

/* All-bank refreshes of an idle rank with all banks closed before ``until``, in one
 * step (ChannelController._skip_idle_refreshes); each is logged at its due clock. */
static int skip_idle_refreshes(Core *s, int64_t until, Out *out) {
    if (s->ref_per_bank || s->ref_cmd < 0) return 0;
    for (int r = 0; r < s->nr; r++) {
        int64_t due = s->ref_due[r];
        if (until - due < 2 * s->ref_interval) continue;
        int64_t k = (until - due) / s->ref_interval;
        if (!s->pending[r] && !core_rank_open(s, r) && earliest(s, s->ref_cmd, r, -1) <= due
            && due >= s->cycle) {
            int64_t t = due + (k - 1) * s->ref_interval;
            for (int64_t j = 0; j < k && out->log != Py_None; j++)
                if (out_log(s, out, due + j * s->ref_interval, s->ref_cmd, r, -1)) return -1;
            core_issue(s, s->ref_cmd, r, -1, t, -1);
            s->refreshes += k - 1;
            s->ref_due[r] = t + s->ref_interval;
            s->cycle = max64(s->cycle, t + 1);
        }
    }
    return 0;
}

/* --- the front end ------------------------------------------------------------ */

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
    if (v->bpr < 1 || v->count < 0 || v->avail < 0 || v->local_start < 0) {
        PyErr_SetString(PyExc_ValueError, "a run needs bursts_per_req >= 1 and count, avail, "
                                          "local_start >= 0");
        return -1;
    }
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

/* Append a burst to its bank's queue (the youngest: the oldest hit its way only if
 * none was queued). */
static void queue_push(Core *s, const Entry *e) {
    int b = e->bank, n = s->bqn[b]++;
    s->bq[(size_t)b * s->depth + n] = *e;
    s->qlen++;
    if (e->row == s->open_row[b]) {
        int *hit = e->wr ? &s->whit[b] : &s->rhit[b];
        if (*hit < 0) *hit = n;
    }
}

static int admit(Core *s, RunView *run, int64_t pos, int64_t c, Out *out) {
    Entry e;
    if (run->placed) {
        PyObject *t = PyList_GET_ITEM(run->placed, pos);
        long long bank, row, rq; int wr;
        if (!PyArg_ParseTuple(t, "LLLp", &bank, &row, &rq, &wr)) return -1;
        if (bank < 0 || bank >= s->nb) {
            PyErr_SetString(PyExc_ValueError, "placed bank out of range");
            return -1;
        }
        e.bank = (int)bank; e.row = row; e.wr = wr; e.req = (Py_ssize_t)rq;
    } else {
        decode(s, run->local_start + pos, &e.bank, &e.row);
        e.wr = run->is_write;
        e.req = (Py_ssize_t)run_req(run, pos);
    }
    e.seq = s->seq++;
    e.enq = c;
    queue_push(s, &e);
    return out_enq(out, e.req, c);
}

/* --- one command ------------------------------------------------------------------ */

/* Issue what this clock's order picks among the free buses (``used``: a bit per busy
 * bus). Returns the bus used, -1 if nothing is ready (then *ready: the earliest clock
 * a candidate becomes ready), -2 on error. */
static int step(Core *s, int64_t c, int used, int64_t *ready, Out *out) {
    for (int r = 0; r < s->nr; r++) {
        if (!s->pending[r]) continue;
        int b, cmd = refresh_command(s, r, &b);
        if (!(used >> s->bus[cmd] & 1) && earliest(s, cmd, r, b) <= c) {
            core_issue(s, cmd, r, b, c, -1);
            if (out_log(s, out, c, cmd, r, b)) return -2;
            if (cmd == s->ref_cmd) refresh_done(s, r);
            return s->bus[cmd];
        }
    }
    const int nc = s->ncmd, RD = s->role[R_RD], WR = s->role[R_WR];
    int64_t best_t = NEVER, best_seq = 0;
    int best_miss = 1, best_i = -1, best_b = -1, best_cmd = -1;
    for (int b = 0; b < s->nb; b++) {
        if (s->bqn[b] == 0 || blocked(s, b)) continue;
        int r = b / s->banks;
        const int64_t *bnb = &s->bn[b * nc], *gnb = &s->gn[(b / s->nbg) * nc], *rnr = &s->rn[r * nc];
        int cand_i[2], cand_cmd[2], ncand = 0, miss;
        if (s->rhit[b] >= 0 || s->whit[b] >= 0) {
            miss = 0;
            if (s->rhit[b] >= 0) { cand_i[ncand] = s->rhit[b]; cand_cmd[ncand++] = RD; }
            if (s->whit[b] >= 0) { cand_i[ncand] = s->whit[b]; cand_cmd[ncand++] = WR; }
        } else {
            miss = 1;
            cand_i[0] = 0;
            cand_cmd[0] = s->open_row[b] >= 0 ? s->role[R_PRE] : s->role[R_ACT];
            ncand = 1;
        }
        const Entry *q = &s->bq[(size_t)b * s->depth];
        for (int k = 0; k < ncand; k++) {
            int cmd = cand_cmd[k];
            if (used >> s->bus[cmd] & 1) continue;
            const Entry *e = &q[cand_i[k]];
            int64_t t = max64(max64(e->enq + 1, c), max64(max64(bnb[cmd], gnb[cmd]),
                                                          max64(rnr[cmd], s->cn[cmd])));
            if (t < best_t || (t == best_t && (miss < best_miss || (miss == best_miss && e->seq < best_seq)))) {
                best_t = t; best_miss = miss; best_seq = e->seq; best_i = cand_i[k]; best_b = b; best_cmd = cmd;
            }
        }
    }
    if (best_i < 0 || best_t > c) {
        *ready = best_t;
        return -1;
    }
    int b = best_b, r = b / s->banks, i = best_i;
    Entry *e = &s->bq[(size_t)b * s->depth + i];
    core_issue(s, best_cmd, r, b, c, e->row);
    if (out_log(s, out, c, best_cmd, r, b)) return -2;
    if (best_cmd == RD || best_cmd == WR) {
        if (out_done(out, e->req, c + s->lat[e->wr])) return -2;
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
    return s->bus[best_cmd];
}

/* --- serve ---------------------------------------------------------------------------- */

/* Serve ``first`` (if given), then the runs of ``runs`` (a PySequence_Fast, or NULL), in order. */
int core_serve(Core *s, RunView *first, PyObject *runs, Out *out) {
    Py_ssize_t nruns = runs ? PySequence_Fast_GET_SIZE(runs) : 0;
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
            if (read_run(PySequence_Fast_GET_ITEM(runs, ri++), &run)) goto fail;      \
            if (run.count > 0) { have_run = 1; break; }                               \
            Py_CLEAR(run.placed);                                                     \
        }                                                                             \
        pos = 0;                                                                      \
    } while (0)

    if (first && first->count > 0) {
        run = *first;
        Py_XINCREF(run.placed);
        have_run = 1;
    } else {
        NEXT_RUN();
    }
    int64_t c = s->cycle;
    if (s->qlen == 0 && have_run && run.avail > c) {
        if (skip_idle_refreshes(s, run.avail, out)) goto fail;
        c = s->cycle;
    }
    const int nr = s->nr;
    while (s->qlen || have_run) {
        /* 1. refresh falls due */
        for (int r = 0; r < nr; r++)
            if (!s->pending[r] && c >= s->ref_due[r]) s->pending[r] = 1;
        /* 2. front end */
        if (have_run && s->qlen < s->depth && run.avail <= c) {
            if (admit(s, &run, pos, c, out)) goto fail;
            if (++pos == run.count) NEXT_RUN();
        }
        /* 3. at most one command per bus */
        int used = 0;
        int64_t ready = NEVER;
        for (int k = 0; k < s->nbus; k++) {
            int bus = step(s, c, used, &ready, out);
            if (bus == -2) goto fail;
            if (bus < 0) break;
            used |= 1 << bus;
        }
        if (used) { c++; continue; }
        /* 4. nothing to issue now: jump to the next clock where something may happen */
        int64_t nxt = ready;
        for (int r = 0; r < nr; r++) {
            if (!s->pending[r]) {
                nxt = min64(nxt, s->ref_due[r]);
            } else {
                int b, cmd = refresh_command(s, r, &b);
                nxt = min64(nxt, max64(c + 1, earliest(s, cmd, r, b)));
            }
        }
        if (have_run && s->qlen < s->depth) nxt = min64(nxt, max64(run.avail, c + 1));
        if (nxt >= NEVER) {
            PyErr_SetString(PyExc_RuntimeError, "DRAM controller stalled with work queued (model bug)");
            goto fail;
        }
        c = nxt;
    }
    if (out_flush(out)) goto fail;
    ok = 1;
fail:
    Py_CLEAR(run.placed);
    if (!ok) return -1;
    s->cycle = c;
    return 0;
#undef NEXT_RUN
}
