/*
 * static.c — the web UI's files.
 *
 * Answers every path outside the API from the web directory, which the
 * server holds open as a directory descriptor for its whole life. Only
 * GET and HEAD are served (else 405). A path is resolved one segment at a
 * time with openat(O_NOFOLLOW), so no symbolic link, no "..", no hidden
 * file (a segment starting with ".") and nothing outside the directory is
 * ever opened; only regular files are sent. Whatever is refused answers
 * the same 404 as a file that does not exist. "/" and any path ending in
 * "/" mean that directory's index.html. Files carry an ETag built from
 * size, modification time and inode, so revalidation (Cache-Control:
 * no-cache, set by the server) costs a 304. The response owns the file
 * descriptor; MHD closes it.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/http.h"
#include "http/internal.h"

#define STATIC_PATH_MAX 1024

static const struct {
	const char *ext;
	const char *type;
} content_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "map", "application/json" },
	{ "webmanifest", "application/manifest+json" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "ico", "image/x-icon" },
	{ "woff2", "font/woff2" },
	{ "txt", "text/plain; charset=utf-8" },
};

struct MHD_Response *
http_text_response(const char *text)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(text),
	    (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		fputs("nmt: out of memory\n", stderr);
		abort();
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	        HTTP_TEXT_PLAIN) != MHD_YES)
		abort();
	return r;
}

static struct MHD_Response *
not_found(unsigned *status)
{
	*status = MHD_HTTP_NOT_FOUND;
	return http_text_response("Not found");
}

static const char *
content_type(const char *name)
{
	const char *dot;
	size_t      i;

	if ((dot = strrchr(name, '.')) == NULL)
		return "application/octet-stream";
	for (i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++)
		if (strcasecmp(dot + 1, content_types[i].ext) == 0)
			return content_types[i].type;
	return "application/octet-stream";
}

/*
 * Copies the path below the web directory into rel, or returns -1 when
 * the path is not one that may be served.
 */
static int
relative_path(const char *path, char *rel, size_t relsz)
{
	const char *p;
	size_t      len;
	int         seg_start = 1;

	if (path[0] != '/')
		return -1;
	path++;
	len = strlen(path);
	if (len == 0 || path[len - 1] == '/') {
		if (snprintf(rel, relsz, "%sindex.html", path) >= (int)relsz)
			return -1;
	} else {
		if (len >= relsz)
			return -1;
		memcpy(rel, path, len + 1);
	}
	for (p = rel; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return -1;
		if (seg_start && (*p == '/' || *p == '.'))
			return -1; /* "//", ".", "..", hidden files */
		seg_start = *p == '/';
	}
	if (strstr(rel, "..") != NULL)
		return -1;
	return 0;
}

/* Opens rel below dirfd without following any link; -1 on failure. */
static int
open_beneath(int dirfd, const char *rel)
{
	char        seg[NAME_MAX + 1];
	const char *p = rel, *slash;
	size_t      n;
	int         dfd = dirfd, fd;

	for (;;) {
		slash = strchr(p, '/');
		n = slash == NULL ? strlen(p) : (size_t)(slash - p);
		if (n == 0 || n > NAME_MAX) {
			fd = -1;
			goto out;
		}
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (slash == NULL) {
			fd = openat(dfd, seg,
			    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			goto out;
		}
		fd = openat(dfd, seg,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd != dirfd)
			close(dfd);
		if (fd == -1)
			return -1;
		dfd = fd;
		p = slash + 1;
	}
out:
	if (dfd != dirfd)
		close(dfd);
	return fd;
}

/* Does an If-None-Match header name this entity tag? */
static int
etag_matches(const char *inm, const char *etag)
{
	if (inm == NULL)
		return 0;
	if (strcmp(inm, "*") == 0)
		return 1;
	return strstr(inm, etag) != NULL;
}

struct MHD_Response *
http_static_response(int web_fd, struct MHD_Connection *conn,
    const char *method, const char *path, int bad_path, unsigned *status)
{
	struct MHD_Response *r;
	struct stat          st;
	char                 rel[STATIC_PATH_MAX], etag[80];
	int                  fd = -1;

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		*status = MHD_HTTP_METHOD_NOT_ALLOWED;
		r = http_text_response("Method not allowed");
		if (MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		        "GET, HEAD") != MHD_YES)
			abort();
		return r;
	}
	if (web_fd == -1 || bad_path ||
	    relative_path(path, rel, sizeof(rel)) == -1)
		return not_found(status);
	if ((fd = open_beneath(web_fd, rel)) == -1)
		return not_found(status);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		goto refuse;

	snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"",
	    (unsigned long long)st.st_size,
	    (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	        (unsigned long long)st.st_mtim.tv_nsec,
	    (unsigned long long)st.st_ino);
	if (etag_matches(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                     MHD_HTTP_HEADER_IF_NONE_MATCH),
	        etag)) {
		close(fd);
		*status = MHD_HTTP_NOT_MODIFIED;
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
		if (r == NULL)
			abort();
	} else {
		r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
		if (r == NULL)
			goto refuse;
		*status = MHD_HTTP_OK;
		if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		        content_type(rel)) != MHD_YES)
			abort();
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag) != MHD_YES)
		abort();
	return r;
refuse:
	close(fd);
	return not_found(status);
}
