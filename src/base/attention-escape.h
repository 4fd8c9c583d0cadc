/* attention-escape.h: text from a file or the network made safe to print.
 * A terminal obeys the control characters in a message (an HTTP reason
 * phrase, a config's model_type, a tensor's name): ESC sequences can retitle
 * the window, move the cursor or hide what follows. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A copy of text (NULL: "(null)") with every control character (C0, DEL,
 * C1) written as \xNN, and every byte that is not UTF-8 as \xNN too, so the
 * result is valid UTF-8 and prints as what it holds. With keep_newlines,
 * '\n' stays: for multi-line messages that are ours around a quoted part. */
char *attention_escape_text (const char *text, gboolean keep_newlines);

/* The same for the first len bytes of text (which need not end in NUL). */
char *attention_escape_bytes (const char *text, gssize len, gboolean keep_newlines);

G_END_DECLS
