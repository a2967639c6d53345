/* progress.c: formatting progress lines for an optional callback. */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>

void kms_progress_say(const kms_progress *p, const char *fmt, ...)
{
    if (!p || !p->fn)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    p->fn(p->ctx, line);
}
