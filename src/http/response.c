/*
 * response.c — filling in responses and reading request values.
 *
 * Owns the helpers the application uses on struct http_response (headers,
 * body, RFC 9457 problem documents) and the request accessors for
 * headers, query parameters and cookies. A response owns every string it
 * holds: header names and values are copied, the body is taken; the
 * server frees them all after sending. Allocation failure aborts.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <microhttpd.h>

#include "core/util.h"
#include "http/http.h"

void
http_response_header(struct http_response *res, const char *name,
    const char *value)
{
	if (res->nheaders < 0 || res->nheaders >= HTTP_MAX_RESPONSE_HEADERS) {
		fputs("nmt: http: too many response headers\n", stderr);
		abort();
	}
	res->header_names[res->nheaders] = xstrdup(name);
	res->header_values[res->nheaders] = xstrdup(value);
	res->nheaders++;
}

void
http_response_body(struct http_response *res, const char *content_type,
    char *body, size_t len)
{
	if (res->body != NULL && res->body != body)
		free(res->body);
	res->content_type = content_type;
	res->body = body;
	res->body_len = body == NULL ? 0 : len;
}

/* The document as compact JSON in a malloc'd buffer, or NULL. */
static char *
dump_json(json_t *doc, size_t *lenp)
{
	char  *buf;
	size_t len;

	if ((len = json_dumpb(doc, NULL, 0, JSON_COMPACT)) == 0)
		return NULL;
	buf = xmalloc(len);
	if (json_dumpb(doc, buf, len, JSON_COMPACT) != len) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}

void
http_problem(struct http_response *res, int status, const char *title,
    const char *detail)
{
	json_t *doc;
	char   *body;
	size_t  len = 0;

	if (title == NULL)
		title = "Error";
	if (detail == NULL)
		detail = "";
	doc = json_pack("{s:s,s:s,s:i,s:s}", "type", "about:blank", "title",
	    title, "status", status, "detail", detail);
	if (doc == NULL) {
		/* Not UTF-8: never echo what could not be encoded. */
		doc = json_pack("{s:s,s:s,s:i,s:s}", "type", "about:blank",
		    "title", "Error", "status", status, "detail", "");
	}
	if (doc == NULL || (body = dump_json(doc, &len)) == NULL) {
		fputs("nmt: http: cannot encode a problem document\n", stderr);
		abort();
	}
	json_decref(doc);
	res->status = status;
	http_response_body(res, "application/problem+json", body, len);
}

const char *
http_header(const struct http_request *req, const char *name)
{
	if (req == NULL || req->conn == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_query(const struct http_request *req, const char *name)
{
	if (req == NULL || req->conn == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
http_cookie(const struct http_request *req, const char *name)
{
	if (req == NULL || req->conn == NULL || name == NULL)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void
http_response_clear(struct http_response *res)
{
	int i;

	for (i = 0; i < res->nheaders && i < HTTP_MAX_RESPONSE_HEADERS; i++) {
		free(res->header_names[i]);
		free(res->header_values[i]);
		res->header_names[i] = res->header_values[i] = NULL;
	}
	res->nheaders = 0;
	free(res->body);
	res->body = NULL;
	res->body_len = 0;
}
