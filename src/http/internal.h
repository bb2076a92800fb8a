/*
 * internal.h — what the HTTP module's files share and nobody else sees.
 *
 * server.c owns the daemon and the request life cycle; static.c answers
 * paths outside the API from the web directory; response.c fills in
 * struct http_response. Every MHD response built here is handed back to
 * server.c, which adds the security headers before queueing it.
 */
#ifndef NMT_HTTP_INTERNAL_H
#define NMT_HTTP_INTERNAL_H

#include <stddef.h>

struct MHD_Connection;
struct MHD_Response;

#define HTTP_TEXT_PLAIN "text/plain; charset=utf-8"

/*
 * A response for a static (non-API) path. web_fd is the web directory
 * (-1: none); path is MHD's decoded path; bad_path is set when the raw
 * path held an encoded NUL. Stores the status in *status. Never NULL.
 */
struct MHD_Response *http_static_response(int web_fd,
    struct MHD_Connection *conn, const char *method, const char *path,
    int bad_path, unsigned *status);

/* A response whose body is the static string text (text/plain). */
struct MHD_Response *http_text_response(const char *text);

#endif
