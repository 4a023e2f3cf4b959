/* HTTP vocabulary shared by the web layer: methods and status reasons. */
#include "web/http.h"

#include <stdlib.h>

const char *const http_method_names[] = {
	[HTTP_GET] = "GET",
	[HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT",
	[HTTP_DELETE] = "DELETE",
	[HTTP_OTHER] = "OTHER",
};

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

int http_status_for_db(enum db_status status)
{
	switch (status) {
	case DB_OK: return 0;
	case DB_DOWN:
	case DB_CONFLICT: return 503;
	case DB_DUPLICATE: return 409;
	case DB_ERROR: return 500;
	}
	abort();
}
