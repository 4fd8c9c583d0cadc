/* attention-export-neuron.c: the neuron view as a file (see the header) */

#include "attention-export-neuron.h"

#include <glib/gi18n.h>
#include <string.h>

#include "attention-export-names.h"
#include "attention-export-surface.h"
#include "attention-neuron-render.h"

typedef struct
{
  AttentionNeuronStyle style;
  AttentionNeuronData data;
  AttentionNeuronValues values;
} Neuron;

static void
draw_neuron (cairo_t *cr, gpointer data)
{
  Neuron *neuron = data;

  attention_neuron_draw (cr, &neuron->style, &neuron->data, &neuron->values);
}

gboolean
attention_export_neuron (AttentionResult *result,
                         guint layer,
                         guint head,
                         guint query,
                         AttentionColormap colormap,
                         AttentionExportFormat format,
                         const char *caption,
                         const char *path,
                         GError **error)
{
  Neuron neuron;
  double width, height;
  gboolean ok;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format != ATTENTION_EXPORT_PNG && format != ATTENTION_EXPORT_SVG &&
      format != ATTENTION_EXPORT_PDF)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _ ("The neuron view can be saved as PNG, SVG or PDF, not as %s."),
                   attention_export_format_extension (format));
      return FALSE;
    }
  memset (&neuron, 0, sizeof neuron);
  neuron.data.n = attention_result_get_n_tokens (result);
  neuron.data.d = attention_result_get_head_size (result);
  neuron.data.query = query;
  neuron.data.queries = attention_result_get_queries (result, layer, head);
  neuron.data.keys = attention_result_get_keys (result, layer, head);
  neuron.data.labels = attention_result_get_tokens (result);
  neuron.data.hatch_from = attention_result_get_hatch_from (result);
  if (layer < attention_result_get_n_layers (result) &&
      head < attention_result_get_n_heads (result) &&
      attention_result_get_head_mask (result) != NULL)
    neuron.data.head_off = attention_result_get_head_mask (
                               result)[layer * attention_result_get_n_heads (result) + head] == 0;
  if (neuron.data.queries == NULL || neuron.data.keys == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("This result holds no queries and keys: the model does not expose "
                              "them, or the run did not ask for them."));
      return FALSE;
    }
  if (query >= neuron.data.n || !attention_neuron_values_init (&neuron.values, &neuron.data))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("There is no token %u: the sentence has %u tokens."), query + 1,
                   neuron.data.n);
      return FALSE;
    }
  attention_neuron_style_init_export (&neuron.style);
  neuron.style.colormap = colormap;
  neuron.style.caption = caption;
  neuron.style.label_width =
      attention_neuron_measure_labels (&neuron.style, neuron.data.labels, neuron.data.n, 300);
  attention_neuron_get_size (&neuron.style, neuron.data.n, neuron.data.d, &width, &height);
  ok = attention_export_picture (path, format, width, height, FALSE,
                                 attention_result_get_text (result), draw_neuron, &neuron, error);
  attention_neuron_values_clear (&neuron.values);
  return ok;
}
