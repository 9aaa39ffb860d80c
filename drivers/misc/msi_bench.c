// SPDX-License-Identifier: GPL-2.0
/*
 * PCI MSI-X setup and teardown benchmark
 *
 * Binds to no device by itself: user space hands it an MSI-X capable
 * device through driver_override (the benchmark boots of the MSI
 * harness use QEMU's nvme with msix_qsize=2048). Writing "N [REPS [PROF]]"
 * to /sys/kernel/debug/msi-bench/run then measures, in guest time, for
 * N MSI-X vectors of that device:
 *
 *   alloc      pci_alloc_irq_vectors(pdev, N, N, PCI_IRQ_MSIX)
 *   request    request_irq() of every vector
 *   release    free_irq() of every vector, then pci_free_irq_vectors()
 *   allocfree  pci_alloc_irq_vectors() and pci_free_irq_vectors() with
 *              no request in between
 *
 * each the median of REPS runs after one warm-up run, the number of
 * vectors that could be requested, and the growth of the slab page
 * counters (NR_SLAB_*_B, page granular) over alloc + request.
 *
 * With PROF non-zero (and CONFIG_KPROBES) one more run is made with
 * kretprobes on the slab allocator and on the functions that the MSI
 * setup and teardown paths of the kernel pass through, counting only
 * what the benchmarking task does: exact slab object bytes held after
 * alloc and after alloc + request, and per function the calls, the
 * inclusive time (less the calibrated cost of the probes that fired
 * inside) and the net slab bytes allocated inside. Functions that do
 * not exist in the running kernel are left out.
 *
 * Reading the run file returns the last run's results as lines of
 * key=value pairs.
 */

#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#define MSI_BENCH_MAX_VEC	2048
#define MSI_BENCH_MAX_REPS	15
#define MSI_BENCH_BUF		(64 * 1024)

/**
 * struct msi_bench - the one device under benchmark
 * @pdev: the PCI device
 * @irqs: Linux interrupt numbers of the allocated vectors
 * @lock: serialises runs and readers of @buf
 * @buf: results of the last run
 * @len: bytes used in @buf
 */
struct msi_bench {
	struct pci_dev *pdev;
	int irqs[MSI_BENCH_MAX_VEC];
	struct mutex lock;	/* one run at a time */
	char *buf;
	size_t len;
};

static struct msi_bench *msi_bench_dev;
static DEFINE_MUTEX(msi_bench_dev_lock);
static struct dentry *msi_bench_root;

static __printf(2, 3) void msi_bench_out(struct msi_bench *b, const char *fmt, ...)
{
	va_list args;

	if (b->len >= MSI_BENCH_BUF)
		return;
	va_start(args, fmt);
	b->len += vscnprintf(b->buf + b->len, MSI_BENCH_BUF - b->len, fmt, args);
	va_end(args);
}

static irqreturn_t msi_bench_irq(int irq, void *data)
{
	return IRQ_HANDLED;
}

/* Slab pages of all nodes in bytes, per-CPU deltas folded in */
static long msi_bench_slab_pages(void)
{
	static const enum node_stat_item items[] = {
		NR_SLAB_RECLAIMABLE_B, NR_SLAB_UNRECLAIMABLE_B,
	};
	long sum = 0;
	int nid, cpu, i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		sum += global_node_page_state_pages(items[i]);
		for_each_online_node(nid) {
			struct pglist_data *pgdat = NODE_DATA(nid);

			for_each_online_cpu(cpu)
				sum += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)
					->vm_node_stat_diff[items[i]];
		}
	}
	return sum * PAGE_SIZE;
}

struct msi_bench_sample {
	u64 alloc;
	u64 request;
	u64 release;
	u64 allocfree;
	int requested;
	long slab_pages;
};

static void msi_bench_release(struct msi_bench *b, int requested)
{
	int i;

	for (i = 0; i < requested; i++)
		free_irq(b->irqs[i], b);
	pci_free_irq_vectors(b->pdev);
}

static int msi_bench_alloc(struct msi_bench *b, unsigned int n)
{
	int ret, i;

	ret = pci_alloc_irq_vectors(b->pdev, n, n, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++)
		b->irqs[i] = pci_irq_vector(b->pdev, i);
	return 0;
}

static int msi_bench_request(struct msi_bench *b, unsigned int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (b->irqs[i] < 0 ||
		    request_irq(b->irqs[i], msi_bench_irq, 0, "msi-bench", b))
			break;
	}
	return i;
}

/*
 * Work that a free leaves for later would otherwise run inside whatever
 * is timed next, and land in one kernel's row or the other's by chance:
 * the RCU callbacks that free interrupt descriptors, and the purge of
 * lazily unmapped kernel virtual areas (pSeries XIVE unmaps two ESB
 * pages per interrupt; once enough are pending, a kworker flushes them
 * all). Both run before a timed step starts.
 */
static void msi_bench_settle(void)
{
	rcu_barrier();
	vm_unmap_aliases();
}

/* One alloc, request, release and one alloc + free of @n vectors */
static int msi_bench_cycle(struct msi_bench *b, unsigned int n,
			   struct msi_bench_sample *s)
{
	u64 t0, t1, t2, t3;
	long slab0;
	int ret;

	msi_bench_settle();
	slab0 = msi_bench_slab_pages();
	t0 = ktime_get_ns();
	ret = msi_bench_alloc(b, n);
	t1 = ktime_get_ns();
	if (ret)
		return ret;
	s->requested = msi_bench_request(b, n);
	t2 = ktime_get_ns();
	s->slab_pages = msi_bench_slab_pages() - slab0;
	msi_bench_release(b, s->requested);
	t3 = ktime_get_ns();
	s->alloc = t1 - t0;
	s->request = t2 - t1;
	s->release = t3 - t2;

	msi_bench_settle();
	t0 = ktime_get_ns();
	ret = pci_alloc_irq_vectors(b->pdev, n, n, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	pci_free_irq_vectors(b->pdev);
	s->allocfree = ktime_get_ns() - t0;
	return 0;
}

static int msi_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 msi_bench_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), msi_bench_cmp_u64, NULL);
	return v[n / 2];
}

#ifdef CONFIG_KPROBES

enum msi_bench_kind {
	MSI_BENCH_PROF,		/* time and bytes inside a function */
	MSI_BENCH_KMALLOC,	/* returns a kmalloc object: + ksize() */
	MSI_BENCH_CACHE_ALLOC,	/* kmem_cache_alloc*(s, ...): + object size */
	MSI_BENCH_KFREE,	/* kfree(p): - ksize(p) */
	MSI_BENCH_CACHE_FREE,	/* kmem_cache_free(s, p): - object size */
};

/**
 * struct msi_bench_probe - one probed function
 * @sym: its symbol
 * @what: what it stands for in the breakdown
 * @kind: what the probe does, &enum msi_bench_kind
 * @krp: the kretprobe
 * @on: @krp is registered
 * @calls: calls by the benchmarking task
 * @ns: inclusive guest time of those calls, probe cost included
 * @full_hits: entry-and-return probes that fired inside those calls
 * @entry_hits: entry-only probes that fired inside those calls
 * @bytes: net slab bytes allocated inside those calls
 */
struct msi_bench_probe {
	const char *sym;
	const char *what;
	enum msi_bench_kind kind;
	struct kretprobe krp;
	bool on;
	u64 calls;
	u64 ns;
	u64 full_hits;
	u64 entry_hits;
	s64 bytes;
};

struct msi_bench_frame {
	u64 t0;
	s64 bytes0;
	u64 full0;
	u64 entry0;
	struct kmem_cache *s;
};

/* The task whose work is counted, and its running totals */
static struct task_struct *msi_bench_task;
static s64 msi_bench_bytes;
static u64 msi_bench_full_hits;	/* probes with entry and return handler */
static u64 msi_bench_entry_hits;	/* probes with an entry handler only */

#define P(s, w)		{ .sym = s, .what = w, .kind = MSI_BENCH_PROF }
#define A(s, k)		{ .sym = s, .what = "slab", .kind = k }

static struct msi_bench_probe msi_bench_probes[] = {
	/* the slab allocator: exact object bytes */
	A("__kmalloc_noprof", MSI_BENCH_KMALLOC),
	A("__kmalloc_node_noprof", MSI_BENCH_KMALLOC),
	A("__kmalloc_node_track_caller_noprof", MSI_BENCH_KMALLOC),
	A("__kmalloc_cache_noprof", MSI_BENCH_KMALLOC),
	A("__kmalloc_cache_node_noprof", MSI_BENCH_KMALLOC),
	A("__kmalloc_large_noprof", MSI_BENCH_KMALLOC),
	A("__kmalloc_large_node_noprof", MSI_BENCH_KMALLOC),
	A("kmem_cache_alloc_noprof", MSI_BENCH_CACHE_ALLOC),
	A("kmem_cache_alloc_lru_noprof", MSI_BENCH_CACHE_ALLOC),
	A("kmem_cache_alloc_node_noprof", MSI_BENCH_CACHE_ALLOC),
	A("kfree", MSI_BENCH_KFREE),
	A("kmem_cache_free", MSI_BENCH_CACHE_FREE),
	/* driver API: the totals */
	P("pci_alloc_irq_vectors_affinity", "alloc:total"),
	P("request_threaded_irq", "request:total"),
	P("free_irq", "release:free_irq"),
	P("pci_free_irq_vectors", "release:free_vectors"),
	/* descriptors */
	P("msi_domain_insert_msi_desc", "alloc:msi_desc"),
	P("msi_free_msi_descs_range", "release:msi_desc"),
	/* per device MSI domain (irq domain path) */
	P("msi_create_device_irq_domain", "alloc:device_domain"),
	P("msi_remove_device_irq_domain", "release:device_domain"),
	/* hierarchy and Linux interrupt allocation */
	P("__irq_domain_alloc_irqs", "alloc:irq_domain_alloc"),
	P("__irq_alloc_descs", "alloc:irq_desc"),
	P("kobject_add", "alloc:kobject"),
	P("kobject_del", "release:kobject"),
	P("irq_domain_alloc_irqs_hierarchy", "alloc:hierarchy"),
	P("x86_vector_alloc_irqs", "alloc:vector_domain"),
	P("irq_matrix_reserve", "vector:reserve"),
	P("irq_matrix_alloc", "vector:assign"),
	P("irq_domain_free_irqs", "release:irq_domain_free"),
	P("irq_free_descs", "release:irq_desc"),
	P("x86_vector_free_irqs", "release:vector_domain"),
	/* activation, message composition and write */
	P("irq_domain_activate_irq", "activate"),
	P("irq_domain_deactivate_irq", "deactivate"),
	P("irq_chip_compose_msi_msg", "msg:compose"),
	P("__pci_write_msi_msg", "msg:write"),
	P("msi_raw_write", "msg:raw_compose_write"),
	/* msi_irqs/ sysfs */
	P("msi_device_populate_sysfs", "sysfs:populate"),
	P("msi_sysfs_populate_desc", "sysfs:populate_desc"),
	P("msi_device_destroy_sysfs", "sysfs:destroy"),
	P("sysfs_add_file_to_group", "sysfs:add_file"),
	P("sysfs_remove_file_from_group", "sysfs:remove_file"),
	/* request_irq(): /proc/irq and startup */
	P("__setup_irq", "request:setup_irq"),
	P("register_irq_proc", "request:proc_irq"),
	P("register_handler_proc", "request:proc_handler"),
	P("irq_startup", "request:startup"),
	P("irq_setup_affinity", "request:setup_affinity"),
	P("irq_do_set_affinity", "request:set_affinity"),
	P("msi_domain_set_affinity", "affinity:msi_domain"),
	P("msi_set_affinity", "affinity:x86_msi"),
	P("msi_raw_set_affinity", "affinity:raw_backend"),
	P("apic_set_affinity", "affinity:vector_domain"),
	P("irq_enable", "request:enable"),
	P("unregister_handler_proc", "release:proc_handler"),
	P("unregister_irq_proc", "release:proc_irq"),
	/* the series' core and the raw backend */
	P("pci_msi_setup_msi_irqs", "alloc:setup_msi_irqs"),
	P("msi_domain_alloc_irqs_all_locked", "alloc:msi_domain_alloc"),
	P("msi_domain_free_irqs_all_locked", "release:msi_domain_free"),
	P("pci_msi_teardown_msi_irqs", "release:teardown_msi_irqs"),
	P("msi_raw_alloc", "alloc:raw_backend"),
	P("msi_raw_free", "release:raw_backend"),
	/* pSeries */
	P("rtas_setup_msi_irqs", "alloc:rtas_setup"),
	P("rtas_change_msi", "firmware:change_msi"),
	P("rtas_call", "firmware:rtas_call"),
	P("rtas_teardown_msi_irqs", "release:rtas_teardown"),
	P("irq_dispose_mapping", "release:dispose_mapping"),
	P("xive_irq_domain_free", "release:xive_free"),
	P("xive_cleanup_irq_data", "release:xive_data"),
	P("xive_irq_free_data", "release:xive_free_data"),
	P("iounmap", "release:iounmap"),
	P("remove_vm_area", "release:vm_area"),
	P("irq_domain_free_irqs_parent", "release:free_parent"),
	P("irq_domain_free_irqs_common", "release:free_common"),
	P("irq_domain_free_irqs_top", "release:free_top"),
};

#undef P
#undef A

static int msi_bench_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct msi_bench_probe *p = container_of(get_kretprobe(ri),
						 struct msi_bench_probe, krp);
	struct msi_bench_frame *f = (void *)ri->data;
	void *obj;

	if (current != READ_ONCE(msi_bench_task))
		return 1;

	switch (p->kind) {
	case MSI_BENCH_KFREE:
		obj = (void *)regs_get_kernel_argument(regs, 0);
		if (!ZERO_OR_NULL_PTR(obj))
			msi_bench_bytes -= ksize(obj);
		msi_bench_entry_hits++;
		return 1;
	case MSI_BENCH_CACHE_FREE:
		f->s = (void *)regs_get_kernel_argument(regs, 0);
		if (regs_get_kernel_argument(regs, 1))
			msi_bench_bytes -= kmem_cache_size(f->s);
		msi_bench_entry_hits++;
		return 1;
	case MSI_BENCH_CACHE_ALLOC:
		f->s = (void *)regs_get_kernel_argument(regs, 0);
		break;
	default:
		break;
	}
	msi_bench_full_hits++;
	f->bytes0 = msi_bench_bytes;
	f->full0 = msi_bench_full_hits;
	f->entry0 = msi_bench_entry_hits;
	f->t0 = ktime_get_ns();
	return 0;
}

static int msi_bench_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u64 t = ktime_get_ns();
	struct msi_bench_probe *p = container_of(get_kretprobe(ri),
						 struct msi_bench_probe, krp);
	struct msi_bench_frame *f = (void *)ri->data;
	void *obj = (void *)regs_return_value(regs);

	switch (p->kind) {
	case MSI_BENCH_KMALLOC:
		if (!ZERO_OR_NULL_PTR(obj))
			msi_bench_bytes += ksize(obj);
		break;
	case MSI_BENCH_CACHE_ALLOC:
		if (obj)
			msi_bench_bytes += kmem_cache_size(f->s);
		break;
	default:
		break;
	}
	p->calls++;
	p->ns += t - f->t0;
	p->bytes += msi_bench_bytes - f->bytes0;
	p->full_hits += msi_bench_full_hits - f->full0;
	p->entry_hits += msi_bench_entry_hits - f->entry0;
	return 0;
}

static void msi_bench_unprobe(void)
{
	struct msi_bench_probe *p;

	for (p = msi_bench_probes; p < msi_bench_probes + ARRAY_SIZE(msi_bench_probes); p++) {
		if (p->on)
			unregister_kretprobe(&p->krp);
		p->on = false;
	}
}

static int msi_bench_probe_on(struct msi_bench_probe *p)
{
	int ret;

	memset(&p->krp, 0, sizeof(p->krp));
	p->krp.kp.symbol_name = p->sym;
	p->krp.entry_handler = msi_bench_entry;
	p->krp.handler = msi_bench_ret;
	p->krp.data_size = sizeof(struct msi_bench_frame);
	p->krp.maxactive = 64;
	p->calls = 0;
	p->ns = 0;
	p->full_hits = 0;
	p->entry_hits = 0;
	p->bytes = 0;
	ret = register_kretprobe(&p->krp);
	p->on = !ret;
	return ret;
}

static void msi_bench_probe_all(void)
{
	struct msi_bench_probe *p;

	for (p = msi_bench_probes; p < msi_bench_probes + ARRAY_SIZE(msi_bench_probes); p++)
		msi_bench_probe_on(p);
}

/* What calibration runs through, probed and not */
static noinline __noclone int msi_bench_dummy(int x)
{
	barrier();
	return x + 1;
}

static noinline __noclone void msi_bench_dummy_free(const void *p)
{
	barrier();
}

/* Guest ns of @n calls of msi_bench_dummy() or of msi_bench_dummy_free() */
static u64 msi_bench_time_calls(bool free, unsigned int n)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int x = 0;

	for (i = 0; i < n; i++) {
		if (free)
			msi_bench_dummy_free(NULL);
		else
			x = msi_bench_dummy(x);
	}
	return ktime_get_ns() - t0 + (x < 0);
}

/*
 * The cost of a probe firing: a full one (entry and return handler, as
 * on every profiled and allocating function) and an entry-only one (as
 * on the free functions, here with a NULL object), so that it can be
 * taken off the inclusive times.
 */
static void msi_bench_calibrate(u64 *full, u64 *entry)
{
	static struct msi_bench_probe cal[2] = {
		{ .sym = "msi_bench_dummy", .kind = MSI_BENCH_PROF },
		{ .sym = "msi_bench_dummy_free", .kind = MSI_BENCH_KFREE },
	};
	const unsigned int n = 1000;
	u64 base, probed;
	int i, round;

	msi_bench_settle();
	for (i = 0; i < ARRAY_SIZE(cal); i++) {
		u64 *cost = i ? entry : full;

		*cost = 0;
		if (msi_bench_probe_on(&cal[i]))
			continue;
		/* The least of three each: a tick or a softirq only adds */
		base = U64_MAX;
		probed = U64_MAX;
		for (round = 0; round < 3; round++) {
			disable_kprobe(&cal[i].krp.kp);
			base = min(base, msi_bench_time_calls(i, n));
			enable_kprobe(&cal[i].krp.kp);
			probed = min(probed, msi_bench_time_calls(i, n));
		}
		unregister_kretprobe(&cal[i].krp);
		cal[i].on = false;
		*cost = probed > base ? div_u64(probed - base, n) : 0;
	}
}

/* One probed cycle of @n vectors: memory and the per-function breakdown */
static void msi_bench_profile(struct msi_bench *b, unsigned int n)
{
	struct msi_bench_probe *p;
	s64 after_alloc, after_request;
	u64 cfull, centry, t0, t_alloc, t_req, t_rel;
	int ret, requested;
	unsigned long missed = 0;

	WRITE_ONCE(msi_bench_task, current);
	msi_bench_bytes = 0;
	msi_bench_full_hits = 0;
	msi_bench_entry_hits = 0;
	msi_bench_calibrate(&cfull, &centry);
	msi_bench_probe_all();

	msi_bench_bytes = 0;
	msi_bench_full_hits = 0;
	msi_bench_entry_hits = 0;
	t0 = ktime_get_ns();
	ret = msi_bench_alloc(b, n);
	t_alloc = ktime_get_ns() - t0;
	after_alloc = msi_bench_bytes;
	requested = ret ? 0 : msi_bench_request(b, n);
	t_req = ktime_get_ns() - t0 - t_alloc;
	after_request = msi_bench_bytes;
	if (!ret)
		msi_bench_release(b, requested);
	t_rel = ktime_get_ns() - t0 - t_alloc - t_req;

	WRITE_ONCE(msi_bench_task, NULL);
	for (p = msi_bench_probes; p < msi_bench_probes + ARRAY_SIZE(msi_bench_probes); p++)
		if (p->on)
			missed += p->krp.nmissed + p->krp.kp.nmissed;
	msi_bench_unprobe();

	if (ret) {
		msi_bench_out(b, "prof n=%u error=%d\n", n, ret);
		return;
	}
	msi_bench_out(b, "mem n=%u requested=%d slab_alloc=%lld slab_request=%lld ",
		      n, requested, after_alloc, after_request - after_alloc);
	msi_bench_out(b, "slab_released=%lld probe_full_ns=%llu probe_entry_ns=%llu ",
		      msi_bench_bytes, cfull, centry);
	msi_bench_out(b, "probed_alloc_ns=%llu probed_request_ns=%llu ",
		      t_alloc, t_req);
	msi_bench_out(b, "probed_release_ns=%llu missed=%lu\n", t_rel, missed);
	for (p = msi_bench_probes; p < msi_bench_probes + ARRAY_SIZE(msi_bench_probes); p++) {
		s64 ns;

		if (p->kind != MSI_BENCH_PROF || !p->calls)
			continue;
		/* its own probe's cost is inside too: one full hit per call */
		ns = p->ns - (s64)(p->full_hits * cfull) - (s64)(p->entry_hits * centry);
		msi_bench_out(b,
			      "prof n=%u fn=%s what=%s calls=%llu ns=%lld raw_ns=%llu bytes=%lld\n",
			      n, p->sym, p->what, p->calls, max_t(s64, ns, 0),
			      p->ns, p->bytes);
	}
}

#else

static void msi_bench_profile(struct msi_bench *b, unsigned int n)
{
	msi_bench_out(b, "prof n=%u error=%d\n", n, -EOPNOTSUPP);
}

#endif /* CONFIG_KPROBES */

static void msi_bench_run(struct msi_bench *b, unsigned int n,
			  unsigned int reps, bool prof)
{
	u64 alloc[MSI_BENCH_MAX_REPS], request[MSI_BENCH_MAX_REPS];
	u64 release[MSI_BENCH_MAX_REPS], allocfree[MSI_BENCH_MAX_REPS];
	struct msi_bench_sample s = { };
	long slab_pages = 0;
	int requested = 0;
	unsigned int i;
	int ret;

	b->len = 0;
	/* warm-up: slab caches, the per device state of the first enable */
	ret = msi_bench_cycle(b, n, &s);
	for (i = 0; !ret && i < reps; i++) {
		ret = msi_bench_cycle(b, n, &s);
		alloc[i] = s.alloc;
		request[i] = s.request;
		release[i] = s.release;
		allocfree[i] = s.allocfree;
		if (!i) {
			slab_pages = s.slab_pages;
			requested = s.requested;
		}
		requested = min(requested, s.requested);
	}
	if (ret) {
		msi_bench_out(b, "msix n=%u error=%d\n", n, ret);
		pci_err(b->pdev, "msi-bench: %u vectors: %d\n", n, ret);
		return;
	}
	msi_bench_out(b, "msix n=%u reps=%u alloc=%llu request=%llu ", n, reps,
		      msi_bench_median(alloc, reps),
		      msi_bench_median(request, reps));
	msi_bench_out(b, "release=%llu allocfree=%llu requested=%d slab_pages=%ld\n",
		      msi_bench_median(release, reps),
		      msi_bench_median(allocfree, reps), requested, slab_pages);
	if (prof)
		msi_bench_profile(b, n);
}

static ssize_t msi_bench_run_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	unsigned int n, reps = 3, prof = 0;
	struct msi_bench *b;
	char buf[64];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	ret = sscanf(buf, "%u %u %u", &n, &reps, &prof);
	if (ret < 1 || !n || n > MSI_BENCH_MAX_VEC || !reps ||
	    reps > MSI_BENCH_MAX_REPS)
		return -EINVAL;

	mutex_lock(&msi_bench_dev_lock);
	b = msi_bench_dev;
	if (!b) {
		mutex_unlock(&msi_bench_dev_lock);
		return -ENODEV;
	}
	mutex_lock(&b->lock);
	msi_bench_run(b, n, reps, prof);
	mutex_unlock(&b->lock);
	mutex_unlock(&msi_bench_dev_lock);
	return count;
}

static ssize_t msi_bench_run_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct msi_bench *b;
	ssize_t ret;

	mutex_lock(&msi_bench_dev_lock);
	b = msi_bench_dev;
	if (!b) {
		mutex_unlock(&msi_bench_dev_lock);
		return -ENODEV;
	}
	mutex_lock(&b->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, b->buf, b->len);
	mutex_unlock(&b->lock);
	mutex_unlock(&msi_bench_dev_lock);
	return ret;
}

static const struct file_operations msi_bench_run_fops = {
	.owner = THIS_MODULE,
	.read = msi_bench_run_read,
	.write = msi_bench_run_write,
	.llseek = default_llseek,
};

static int msi_bench_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct msi_bench *b;
	int ret;

	if (!pdev->msix_cap) {
		pci_err(pdev, "msi-bench: no MSI-X capability\n");
		return -ENODEV;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->buf = kvmalloc(MSI_BENCH_BUF, GFP_KERNEL);
	if (!b->buf) {
		ret = -ENOMEM;
		goto free;
	}
	mutex_init(&b->lock);
	b->pdev = pdev;
	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto free_buf;

	mutex_lock(&msi_bench_dev_lock);
	if (msi_bench_dev) {
		mutex_unlock(&msi_bench_dev_lock);
		pci_err(pdev, "msi-bench: already bound to %s\n",
			pci_name(msi_bench_dev->pdev));
		ret = -EBUSY;
		goto disable;
	}
	msi_bench_dev = b;
	mutex_unlock(&msi_bench_dev_lock);
	pci_set_drvdata(pdev, b);
	pci_info(pdev, "msi-bench: %d MSI-X table entries\n",
		 pci_msix_vec_count(pdev));
	return 0;

disable:
	pci_disable_device(pdev);
free_buf:
	kvfree(b->buf);
free:
	kfree(b);
	return ret;
}

static void msi_bench_remove(struct pci_dev *pdev)
{
	struct msi_bench *b = pci_get_drvdata(pdev);

	mutex_lock(&msi_bench_dev_lock);
	msi_bench_dev = NULL;
	mutex_unlock(&msi_bench_dev_lock);
	pci_disable_device(pdev);
	kvfree(b->buf);
	kfree(b);
}

/* No IDs: the device is handed over with driver_override */
static const struct pci_device_id msi_bench_ids[] = {
	{ }
};
MODULE_DEVICE_TABLE(pci, msi_bench_ids);

static struct pci_driver msi_bench_driver = {
	.name = "msi_bench",
	.id_table = msi_bench_ids,
	.probe = msi_bench_probe,
	.remove = msi_bench_remove,
};

static int __init msi_bench_init(void)
{
	int ret;

	msi_bench_root = debugfs_create_dir("msi-bench", NULL);
	debugfs_create_file("run", 0600, msi_bench_root, NULL,
			    &msi_bench_run_fops);
	ret = pci_register_driver(&msi_bench_driver);
	if (ret)
		debugfs_remove_recursive(msi_bench_root);
	return ret;
}
module_init(msi_bench_init);

static void __exit msi_bench_exit(void)
{
	pci_unregister_driver(&msi_bench_driver);
	debugfs_remove_recursive(msi_bench_root);
}
module_exit(msi_bench_exit);

MODULE_DESCRIPTION("PCI MSI-X setup and teardown benchmark");
MODULE_LICENSE("GPL");
