// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm_get_segmentid_range(): look up the segment id range reserved for an
 * application in /etc/rsm/rsm.segmentid (spec 3.14, 4, A21).
 *
 * The file format is defined by how Solaris reads it, quirks included, so
 * that existing files give the same answers: a 256-byte line buffer (longer
 * lines are read in 255-byte pieces, each piece a line of its own), blank
 * lines that are fatal when they come before the wanted entry, and numbers
 * parsed leniently with only overflow detected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm_internal.h"

#define RSM_SEGID_LINE_MAX 256

/* rsm_segid_line() result meaning "not this line, read the next one". */
#define RSM_SEGID_NEXT (-1)

static char *rsm_skip_space(char *s)
{
	while (rsm_ascii_isspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * Cut the next white-space delimited field out of *@cursor.
 * Return: the field, or NULL when the line has no more fields.
 */
static char *rsm_segid_field(char **cursor)
{
	char *start = rsm_skip_space(*cursor), *end = start;

	if (*start == '\0')
		return NULL;
	while (*end != '\0' && !rsm_ascii_isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		*end++ = '\0';
	*cursor = end;
	return start;
}

/* strtol() that reports only overflow, as the file format defines. */
static int rsm_segid_number(const char *s, int base, long *value)
{
	errno = 0;
	*value = strtol(s, NULL, base);
	return errno == ERANGE ? RSMERR_BAD_CONF : RSM_SUCCESS;
}

/*
 * One line (or 255-byte piece) of the file.
 * Return: RSM_SEGID_NEXT to go on, or the lookup's final result.
 */
static int rsm_segid_line(char *line, const char *appid,
			  rsm_memseg_id_t *baseid, uint32_t *length)
{
	char *cursor, *keyword, *name, *base, *len;
	long value;
	size_t n;

	cursor = rsm_skip_space(line);
	if (*cursor == '#')
		return RSM_SEGID_NEXT;
	n = strlen(cursor);
	if (n > 0 && cursor[n - 1] == '\n')
		cursor[n - 1] = '\0';

	keyword = rsm_segid_field(&cursor);
	name = keyword ? rsm_segid_field(&cursor) : NULL;
	base = name ? rsm_segid_field(&cursor) : NULL;
	/* The fourth field runs to the end of the line. */
	len = base ? rsm_skip_space(cursor) : NULL;
	if (len == NULL || *len == '\0')
		return RSMERR_BAD_CONF;

	if (!rsm_ascii_caseeq(name, appid))
		return RSM_SEGID_NEXT;
	/* "reserve" is documented, "reserved" is what Solaris parses. */
	if (!rsm_ascii_caseeq(keyword, "reserve") &&
	    !rsm_ascii_caseeq(keyword, "reserved"))
		return RSMERR_BAD_CONF;

	if (rsm_segid_number(base, 16, &value) != RSM_SUCCESS)
		return RSMERR_BAD_CONF;
	*baseid = (rsm_memseg_id_t)value;
	if (rsm_segid_number(len, 10, &value) != RSM_SUCCESS)
		return RSMERR_BAD_CONF;
	*length = (uint32_t)value;
	return RSM_SUCCESS;
}

/**
 * rsm_segmentid_range_lookup() - rsm_get_segmentid_range() on any file
 * @path: the segment id file to read
 * @appid: application name, matched case-insensitively
 * @baseid: receives the first reserved id
 * @length: receives the number of reserved ids
 *
 * The file is read afresh on every call; the first matching line wins.
 *
 * Return: 0, RSMERR_BAD_ADDR for a NULL argument, RSMERR_BAD_CONF when
 * the file cannot be read or a line before the match (or the match
 * itself) is malformed, RSMERR_BAD_APPID when no line names @appid.
 */
int rsm_segmentid_range_lookup(const char *path, const char *appid,
			       rsm_memseg_id_t *baseid, uint32_t *length)
{
	char line[RSM_SEGID_LINE_MAX];
	int result = RSM_SEGID_NEXT;
	FILE *fp;

	if (appid == NULL || baseid == NULL || length == NULL)
		return RSMERR_BAD_ADDR;
	fp = fopen(path, "re");
	if (fp == NULL)
		return RSMERR_BAD_CONF;
	while (result == RSM_SEGID_NEXT && fgets(line, sizeof(line), fp))
		result = rsm_segid_line(line, appid, baseid, length);
	if (result == RSM_SEGID_NEXT)
		result = ferror(fp) ? RSMERR_BAD_CONF : RSMERR_BAD_APPID;
	fclose(fp);
	return result;
}

/**
 * rsm_get_segmentid_range() - the segment ids reserved for an application
 * @appid: application name as listed in /etc/rsm/rsm.segmentid
 * @baseid: receives the first reserved id
 * @length: receives the number of reserved ids
 *
 * Return: see rsm_segmentid_range_lookup().
 */
RSM_PUBLIC int rsm_get_segmentid_range(const char *appid,
				       rsm_memseg_id_t *baseid,
				       uint32_t *length)
{
	return rsm_segmentid_range_lookup(RSM_SEGMENTID_PATH, appid, baseid,
					  length);
}
