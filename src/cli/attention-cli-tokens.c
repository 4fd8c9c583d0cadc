/* attention-cli-tokens.c: attention-cli --tokens and --token-ids, the
 * tokenizer on its own, for scripts and for checking it against others. */

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "attention-cli-private.h"

/* Raw UTF-8 to stdout: g_print() would re-encode tokens for a non-UTF-8
 * locale, and these lines are meant for programs. */
static gboolean
write_out (const GString *text)
{
  return fwrite (text->str, 1, text->len, stdout) == text->len;
}

static gboolean
finish_output (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("attention-cli: %s\n", _ ("Could not write to standard output."));
      return FALSE;
    }
  return TRUE;
}

/* --tokens TEXT: one "TOKEN<TAB>ID" line per token, [CLS] (<s>) first, [SEP]
 * (</s>) last; tokens in the vocabulary's own spelling ("Ġthe"). */
int
attention_cli_run_tokens (const AttentionCliOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionTokenizer) tokenizer = NULL;
  g_autoptr (BertEncoding) encoding = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  tokenizer = attention_cli_load_tokenizer (options, &error);
  if (tokenizer == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }
  encoding = attention_tokenizer_encode (tokenizer, options->tokens_text, -1, &error);
  if (encoding == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }

  for (guint i = 0; i < encoding->n_tokens; i++)
    g_string_append_printf (out, "%s\t%" G_GINT64_FORMAT "\n", encoding->tokens[i],
                            encoding->ids[i]);
  if (!write_out (out) || !finish_output ())
    return 2;
  return 0;
}

/* --token-ids: for every line of standard input (ended by \n only; a \r before
 * it belongs to the text), one line of space-separated token ids with [CLS]
 * and [SEP]. A line that is not valid UTF-8 is reported on stderr with its
 * number and gives an empty output line, so that output line N still answers
 * input line N; the other lines are still tokenized, and the exit status is 2. */
int
attention_cli_run_token_ids (const AttentionCliOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionTokenizer) tokenizer = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  char *line = NULL;
  size_t capacity = 0;
  ssize_t read;
  gulong number = 0;
  int status = 0;

  tokenizer = attention_cli_load_tokenizer (options, &error);
  if (tokenizer == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }

  while ((read = getline (&line, &capacity, stdin)) >= 0)
    {
      g_autoptr (BertEncoding) encoding = NULL;
      gsize len = read;

      number++;
      if (len > 0 && line[len - 1] == '\n')
        len--;
      encoding = attention_tokenizer_encode (tokenizer, line, len, &error);
      if (encoding == NULL)
        {
          g_autofree char *message =
              g_strdup_printf (_ ("Line %lu of standard input: %s"), number, error->message);

          g_printerr ("attention-cli: %s\n", message);
          g_clear_error (&error);
          status = 2;
        }
      else
        {
          for (guint i = 0; i < encoding->n_tokens; i++)
            g_string_append_printf (out, i == 0 ? "%" G_GINT64_FORMAT : " %" G_GINT64_FORMAT,
                                    encoding->ids[i]);
        }
      g_string_append_c (out, '\n');

      /* Write in large blocks: a corpus can have hundreds of thousands of lines. */
      if (out->len >= 65536)
        {
          if (!write_out (out))
            break;
          g_string_truncate (out, 0);
        }
    }
  free (line);

  if (ferror (stdin))
    {
      g_printerr ("attention-cli: %s\n", _ ("Could not read standard input."));
      status = 2;
    }
  if (!write_out (out) || !finish_output ())
    status = 2;
  return status;
}
