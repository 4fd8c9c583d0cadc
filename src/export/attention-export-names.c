/* attention-export-names.c: file names and captions (see the header) */

#include "attention-export-names.h"

#include <glib/gi18n.h>

const char *
attention_export_format_extension (AttentionExportFormat format)
{
  static const char *const extensions[] = { "png", "svg", "pdf", "npy", "json" };

  g_return_val_if_fail ((guint)format < G_N_ELEMENTS (extensions), "png");
  return extensions[format];
}

static char *
head_file_name (const char *stem, guint layer, guint head, const char *extension)
{
  return g_strdup_printf ("%s_Layer%u_Head%u.%s", stem, layer + 1, head + 1,
                          extension ? extension : "png");
}

char *
attention_export_file_name (guint layer, guint head, const char *extension)
{
  return head_file_name ("Attention", layer, head, extension);
}

char *
attention_export_lines_file_name (guint layer, guint head, const char *extension)
{
  return head_file_name ("Lines", layer, head, extension);
}

char *
attention_export_caption (
    AttentionResult *result, guint layer, const guint *heads, guint n_heads, const char *model_name)
{
  GString *caption = g_string_new (NULL);

  g_return_val_if_fail (heads != NULL || n_heads == 0, NULL);

  if (n_heads == 1)
    g_string_printf (caption, _ ("Layer %u, Head %u"), layer + 1, heads[0] + 1);
  else
    {
      g_string_printf (caption, _ ("Layer %u, Heads"), layer + 1);
      for (guint k = 0; k < n_heads; k++)
        g_string_append_printf (caption, "%s%u", k > 0 ? ", " : " ", heads[k] + 1);
    }
  if (attention_result_get_quantity (result) != NULL)
    g_string_append_printf (caption, " · %s", attention_result_get_quantity (result));
  if (model_name != NULL && model_name[0] != '\0')
    g_string_append_printf (caption, " · %s", model_name);
  if (attention_result_get_specials_hidden (result))
    g_string_append_printf (caption, " · %s", _ ("[CLS] and [SEP] hidden, rows renormalised"));
  if (attention_result_get_hatch_from (result) > 0)
    g_string_append_printf (caption, " · %s",
                            _ ("hatched tokens lie past the model's trained length"));
  g_string_append_printf (caption, "\n%s", attention_result_get_text (result));
  return g_string_free (caption, FALSE);
}

char *
attention_export_neuron_file_name (guint layer, guint head, guint query, const char *extension)
{
  return g_strdup_printf ("Neuron_Layer%u_Head%u_Token%u.%s", layer + 1, head + 1, query + 1,
                          extension);
}
