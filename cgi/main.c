/* Process start: plain CGI when a web server runs us, otherwise the command line. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry.h"

const char *entry_config_path(const char *given)
{
	if (given)
		return given;
	const char *env = getenv("VAORA_CONFIG");
	if (env && *env)
		return env;
	if (access("var/vaora.conf", R_OK) == 0)
		return "var/vaora.conf";
	return "conf/vaora.conf";
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		config = argv[2];
		first = 3;
	}
	if (first >= argc) {
		/* A web server running us as CGI sets GATEWAY_INTERFACE and passes no arguments. */
		if (getenv("GATEWAY_INTERFACE"))
			return cgi_main(entry_config_path(config));
		cli_usage(stderr);
		return 2;
	}
	return cli_main(entry_config_path(config), argc - first, argv + first);
}
