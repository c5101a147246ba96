/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * model.c — the model as data: its lifetime (every destructor of what a load
 * allocates), the file names origins point into, and stable policy ids.
 * Nothing here parses: the loader (load.c) and the parsers build the model,
 * this module only owns and frees it, so it depends on no parser.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int model_array_grow(void **arr, size_t n, size_t elem)
{
	void *p;
	size_t cap;

	if (n >= 8 && (n & (n - 1)))
		return 0;            /* n is not a power of two: room left */
	if (n != 0 && n < 8)
		return 0;
	cap = n ? n * 2 : 8;
	if (cap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*arr, cap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

const char *model_add_file(struct cg_model *m, const char *path)
{
	char *copy;

	for (size_t i = 0; i < m->nfiles; i++)
		if (!strcmp(m->files[i], path))
			return m->files[i];
	if (model_array_grow((void **)&m->files, m->nfiles, sizeof(*m->files)) < 0)
		return NULL;
	copy = strdup(path);
	if (!copy)
		return NULL;
	m->files[m->nfiles++] = copy;
	return copy;
}

void model_policy_free(struct cg_policy_spec *p)
{
	for (size_t i = 0; i < p->nvendors; i++)
		free(p->vendors[i]);
	free(p->vendors);
	free(p->vendor_origins);
	free(p->ouis);
	for (size_t i = 0; i < p->ndevices; i++)
		free(p->devices[i].note);
	free(p->devices);
	free(p->rules);
	for (size_t i = 0; i < p->ndeny_lists; i++)
		free(p->deny_lists[i]);
	free(p->deny_lists);
	free(p->deny);
	free(p->deny_origins);
	for (size_t i = 0; i < p->nadvisories; i++)
		free(p->advisories[i]);
	free(p->advisories);
	free(p->advisory_origins);
	memset(p, 0, sizeof(*p));
}

void model_advisory_free(struct cg_advisory *a)
{
	for (size_t i = 0; i < a->nmodels; i++)
		free(a->models[i]);
	free(a->models);
	memset(a, 0, sizeof(*a));
}

void model_free(struct cg_model *m)
{
	if (!m)
		return;
	free(m->config.ifaces);
	free(m->config.enclave);
	for (size_t i = 0; i < m->npolicies; i++)
		model_policy_free(&m->policies[i]);
	free(m->policies);
	for (size_t i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	for (size_t i = 0; i < m->nadvisories; i++)
		model_advisory_free(&m->advisories[i]);
	free(m->advisories);
	memset(m, 0, sizeof(*m));
}

int model_find_policy(const struct cg_model *m, const char *name)
{
	for (size_t i = 0; i < m->npolicies; i++)
		if (!strcmp(m->policies[i].name, name))
			return (int)i;
	return -1;
}

int model_assign_ids(struct cg_model *m, const struct cg_model *previous)
{
	bool used[CG_MAX_POLICIES] = { false };
	bool done[CG_MAX_POLICIES] = { false };

	if (m->npolicies > CG_MAX_POLICIES)
		return -E2BIG;
	if (previous)
		for (size_t i = 0; i < m->npolicies; i++) {
			int j = model_find_policy(previous, m->policies[i].name);
			uint16_t id;

			if (j < 0)
				continue;
			id = previous->policies[j].id;
			if (id >= CG_MAX_POLICIES || used[id])
				continue;
			m->policies[i].id = id;
			used[id] = true;
			done[i] = true;
		}
	for (size_t i = 0, next = 0; i < m->npolicies; i++) {
		if (done[i])
			continue;
		while (next < CG_MAX_POLICIES && used[next])
			next++;
		if (next >= CG_MAX_POLICIES)
			return -E2BIG;
		m->policies[i].id = (uint16_t)next;
		used[next] = true;
	}
	return 0;
}
