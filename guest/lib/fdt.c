/*
 * A minimal read-only flattened device tree walker (devicetree
 * specification v0.4, chapter 5).  Node handles are offsets of
 * FDT_BEGIN_NODE tokens inside the structure block.  Everything is read
 * byte by byte: with the MMU off, memory is Device and must not be
 * accessed unaligned.
 */
#include "guest.h"

#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

#define HDR_TOTALSIZE		4
#define HDR_OFF_DT_STRUCT	8
#define HDR_OFF_DT_STRINGS	12
#define HDR_OFF_MEM_RSVMAP	16
#define HDR_VERSION		20
#define HDR_LAST_COMP_VERSION	24
#define HDR_SIZE_DT_STRINGS	32
#define HDR_SIZE_DT_STRUCT	36
#define HDR_SIZE		40

#define FDT_MAX_SIZE	0x200000U	/* booting.rst: at most 2 MiB */
#define FDT_MAX_DEPTH	32

u32 fdt_be32(const void *p)
{
	const volatile u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

u64 fdt_be64(const void *p)
{
	return (u64)fdt_be32(p) << 32 | fdt_be32((const u8 *)p + 4);
}

u64 fdt_read_cells(const void *p, int cells)
{
	u64 v = 0;
	int i;

	for (i = 0; i < cells; i++)
		v = v << 32 | fdt_be32((const u8 *)p + 4 * i);
	return v;
}

static u32 hdr(const void *fdt, int field)
{
	return fdt_be32((const u8 *)fdt + field);
}

u32 fdt_totalsize(const void *fdt)
{
	return hdr(fdt, HDR_TOTALSIZE);
}

u32 fdt_version(const void *fdt)
{
	return hdr(fdt, HDR_VERSION);
}

static const u8 *struct_block(const void *fdt)
{
	return (const u8 *)fdt + hdr(fdt, HDR_OFF_DT_STRUCT);
}

static const char *strings_block(const void *fdt)
{
	return (const char *)fdt + hdr(fdt, HDR_OFF_DT_STRINGS);
}

static int align4(int x)
{
	return (x + 3) & ~3;
}

/* Decode the token at off: returns the tag (or -1) and the next offset. */
static int next_tag(const void *fdt, int off, int *next)
{
	u32 limit = hdr(fdt, HDR_SIZE_DT_STRUCT);
	const u8 *s = struct_block(fdt);
	u32 tag, len;
	int n;

	if (off < 0 || (u32)off + 4 > limit || (off & 3))
		return -1;
	tag = fdt_be32(s + off);
	switch (tag) {
	case FDT_BEGIN_NODE:
		n = off + 4;
		while ((u32)n < limit && s[n])
			n++;
		if ((u32)n >= limit)
			return -1;
		*next = align4(n + 1);
		return (int)tag;
	case FDT_PROP:
		if ((u32)off + 12 > limit)
			return -1;
		len = fdt_be32(s + off + 4);
		if (len > limit || (u32)off + 12 + len > limit)
			return -1;
		*next = align4(off + 12 + (int)len);
		return (int)tag;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		*next = off + 4;
		return (int)tag;
	default:
		return -1;
	}
}

int fdt_check(const void *fdt, const char **why)
{
	u32 total, ver, off_struct, sz_struct, off_str, sz_str, off_rsv;
	int next;

#define FAIL(msg) do { if (why) *why = msg; return -1; } while (0)
	if (!fdt || ((uintptr_t)fdt & 7))
		FAIL("DTB pointer is NULL or not 8-byte aligned");
	if (hdr(fdt, 0) != FDT_MAGIC)
		FAIL("bad magic (not 0xd00dfeed)");
	total = hdr(fdt, HDR_TOTALSIZE);
	if (total < HDR_SIZE || total > FDT_MAX_SIZE)
		FAIL("totalsize out of range (40 bytes .. 2 MiB)");
	ver = hdr(fdt, HDR_VERSION);
	if (ver < 17)
		FAIL("version < 17");
	if (hdr(fdt, HDR_LAST_COMP_VERSION) > 17)
		FAIL("last_comp_version > 17");
	off_struct = hdr(fdt, HDR_OFF_DT_STRUCT);
	sz_struct = hdr(fdt, HDR_SIZE_DT_STRUCT);
	off_str = hdr(fdt, HDR_OFF_DT_STRINGS);
	sz_str = hdr(fdt, HDR_SIZE_DT_STRINGS);
	off_rsv = hdr(fdt, HDR_OFF_MEM_RSVMAP);
	if ((off_struct & 3) || off_struct < HDR_SIZE || off_struct > total ||
	    sz_struct > total - off_struct)
		FAIL("structure block outside totalsize");
	if (off_str < HDR_SIZE || off_str > total || sz_str > total - off_str)
		FAIL("strings block outside totalsize");
	if ((off_rsv & 7) || off_rsv < HDR_SIZE || off_rsv > total)
		FAIL("memory reservation block misplaced");
	if (fdt_root(fdt) < 0 || next_tag(fdt, fdt_root(fdt), &next) != FDT_BEGIN_NODE)
		FAIL("structure block does not start with the root node");
	if (why)
		*why = "ok";
	return 0;
#undef FAIL
}

int fdt_root(const void *fdt)
{
	int off = 0, next, tag;

	while ((tag = next_tag(fdt, off, &next)) == FDT_NOP)
		off = next;
	return tag == FDT_BEGIN_NODE ? off : -1;
}

int fdt_next_node(const void *fdt, int node, int *depth)
{
	int off = node, next, tag;

	if (off < 0)
		return fdt_root(fdt);
	if (next_tag(fdt, off, &next) != FDT_BEGIN_NODE)
		return -1;
	off = next;
	for (;;) {
		tag = next_tag(fdt, off, &next);
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth)
				(*depth)++;
			return off;
		case FDT_END_NODE:
			if (depth && --(*depth) < 0)
				return -1;
			break;
		case FDT_PROP:
		case FDT_NOP:
			break;
		default:	/* FDT_END or malformed */
			return -1;
		}
		off = next;
	}
}

int fdt_first_subnode(const void *fdt, int node)
{
	int depth = 0;
	int off = fdt_next_node(fdt, node, &depth);

	return off >= 0 && depth == 1 ? off : -1;
}

int fdt_next_subnode(const void *fdt, int node)
{
	int depth = 1;

	do {
		node = fdt_next_node(fdt, node, &depth);
		if (node < 0 || depth < 1)
			return -1;
	} while (depth > 1);
	return node;
}

int fdt_parent(const void *fdt, int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0, off = fdt_root(fdt);

	if (off < 0 || node == off)
		return -1;
	stack[0] = off;
	while (off >= 0) {
		off = fdt_next_node(fdt, off, &depth);
		if (off < 0 || depth <= 0 || depth >= FDT_MAX_DEPTH)
			return -1;
		stack[depth] = off;
		if (off == node)
			return stack[depth - 1];
	}
	return -1;
}

const char *fdt_node_name(const void *fdt, int node)
{
	return (const char *)struct_block(fdt) + node + 4;
}

static int name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len))
		return 0;
	if (name[len] == '\0')
		return 1;
	/* "memory" matches "memory@40000000" unless a unit was given. */
	if (name[len] != '@')
		return 0;
	while (len--)
		if (comp[len] == '@')
			return 0;
	return 1;
}

int fdt_subnode(const void *fdt, int parent, const char *name, size_t len)
{
	int off;

	for (off = fdt_first_subnode(fdt, parent); off >= 0;
	     off = fdt_next_subnode(fdt, off))
		if (name_matches(fdt_node_name(fdt, off), name, len))
			return off;
	return -1;
}

static int path_offset_len(const void *fdt, const char *path, size_t len)
{
	const char *end = path + len, *p = path;
	int node;

	if (!len)
		return -1;
	if (*p != '/') {
		/* An alias, possibly followed by "/more/path". */
		const char *q = p, *alias;
		int aliases, alen;

		while (q < end && *q != '/')
			q++;
		aliases = fdt_path_offset(fdt, "/aliases");
		if (aliases < 0)
			return -1;
		alias = NULL;
		{
			/* property names are NUL-terminated: compare by hand */
			char name[64];
			size_t n = (size_t)(q - p);

			if (n >= sizeof(name))
				return -1;
			memcpy(name, p, n);
			name[n] = '\0';
			alias = fdt_getprop(fdt, aliases, name, &alen);
		}
		if (!alias || alen < 2 || alias[0] != '/')
			return -1;
		node = path_offset_len(fdt, alias, strnlen(alias, (size_t)alen));
		p = q;
	} else {
		node = fdt_root(fdt);
	}
	while (node >= 0 && p < end) {
		const char *c;

		while (p < end && *p == '/')
			p++;
		if (p >= end)
			break;
		c = p;
		while (p < end && *p != '/')
			p++;
		node = fdt_subnode(fdt, node, c, (size_t)(p - c));
	}
	return node;
}

int fdt_path_offset(const void *fdt, const char *path)
{
	return path_offset_len(fdt, path, strlen(path));
}

const void *fdt_getprop(const void *fdt, int node, const char *name, int *len)
{
	const u8 *s = struct_block(fdt);
	const char *strs = strings_block(fdt);
	u32 strsize = hdr(fdt, HDR_SIZE_DT_STRINGS);
	size_t nlen = strlen(name);
	int off, next, tag;

	if (next_tag(fdt, node, &next) != FDT_BEGIN_NODE)
		return NULL;
	for (off = next; ; off = next) {
		tag = next_tag(fdt, off, &next);
		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP)
			return NULL;
		{
			u32 nameoff = fdt_be32(s + off + 8);

			if (nameoff < strsize && strsize - nameoff > nlen &&
			    !memcmp(strs + nameoff, name, nlen + 1)) {
				if (len)
					*len = (int)fdt_be32(s + off + 4);
				return s + off + 12;
			}
		}
	}
}

const char *fdt_getprop_str(const void *fdt, int node, const char *name)
{
	int len;
	const char *v = fdt_getprop(fdt, node, name, &len);

	if (!v || len < 1 || v[len - 1] != '\0')
		return NULL;
	return v;
}

int fdt_getprop_u32(const void *fdt, int node, const char *name, u32 *out)
{
	int len;
	const void *v = fdt_getprop(fdt, node, name, &len);

	if (!v || len != 4)
		return -1;
	*out = fdt_be32(v);
	return 0;
}

int fdt_is_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *v = fdt_getprop(fdt, node, "compatible", &len);
	size_t clen = strlen(compat);

	while (v && len > 0) {
		size_t l = strnlen(v, (size_t)len);

		if (l == clen && !memcmp(v, compat, clen))
			return 1;
		v += l + 1;
		len -= (int)l + 1;
	}
	return 0;
}

int fdt_find_compatible(const void *fdt, int from, const char *compat)
{
	int off = from;

	for (;;) {
		off = fdt_next_node(fdt, off, NULL);
		if (off < 0)
			return -1;
		if (fdt_is_compatible(fdt, off, compat))
			return off;
	}
}

static int cells_of_parent(const void *fdt, int node, const char *name, int dflt)
{
	int parent = fdt_parent(fdt, node);
	u32 v;

	if (parent < 0 || fdt_getprop_u32(fdt, parent, name, &v) || v > 4)
		return dflt;
	return (int)v;
}

int fdt_addr_cells(const void *fdt, int node)
{
	return cells_of_parent(fdt, node, "#address-cells", 2);
}

int fdt_size_cells(const void *fdt, int node)
{
	return cells_of_parent(fdt, node, "#size-cells", 1);
}

int fdt_reg(const void *fdt, int node, int idx, u64 *addr, u64 *size)
{
	int ac = fdt_addr_cells(fdt, node), sc = fdt_size_cells(fdt, node);
	int len, stride = 4 * (ac + sc);
	const u8 *v = fdt_getprop(fdt, node, "reg", &len);

	if (!v || idx < 0 || ac < 1 || ac > 2 || sc > 2 || len < stride * (idx + 1))
		return -1;
	v += stride * idx;
	*addr = fdt_read_cells(v, ac);
	*size = sc ? fdt_read_cells(v + 4 * ac, sc) : 0;
	return 0;
}

int fdt_memory(const void *fdt, int idx, u64 *base, u64 *size)
{
	int node;

	for (node = fdt_first_subnode(fdt, fdt_root(fdt)); node >= 0;
	     node = fdt_next_subnode(fdt, node)) {
		const char *dt = fdt_getprop_str(fdt, node, "device_type");
		int i;

		if (!dt || strcmp(dt, "memory"))
			continue;
		for (i = 0; !fdt_reg(fdt, node, i, base, size); i++)
			if (idx-- == 0)
				return 0;
	}
	return -1;
}

int fdt_resolve_stdout(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *p;
	size_t len = 0;

	if (chosen < 0)
		return -1;
	p = fdt_getprop_str(fdt, chosen, "stdout-path");
	if (!p)
		p = fdt_getprop_str(fdt, chosen, "linux,stdout-path");
	if (!p)
		return -1;
	while (p[len] && p[len] != ':')
		len++;
	return path_offset_len(fdt, p, len);
}

int fdt_cpus(const void *fdt, u64 *mpidr, int max, int *self)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, n = 0;
	u64 me = my_mpidr();

	*self = -1;
	if (cpus < 0)
		return -1;
	for (node = fdt_first_subnode(fdt, cpus); node >= 0 && n < max;
	     node = fdt_next_subnode(fdt, node)) {
		const char *dt = fdt_getprop_str(fdt, node, "device_type");
		u64 reg, size;

		if (!dt || strcmp(dt, "cpu") || fdt_reg(fdt, node, 0, &reg, &size))
			continue;
		if ((reg & PSCI_MPIDR_AFF_MASK) == me)
			*self = n;
		mpidr[n++] = reg & PSCI_MPIDR_AFF_MASK;
	}
	return n;
}
