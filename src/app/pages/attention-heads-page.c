/* attention-heads-page.c: the Heads page (see the header). The run happens
 * in a worker thread (attention_corpus_run_async); a timer reads its
 * progress four times a second. */

#include "attention-heads-page.h"

#include <glib/gi18n.h>
#include <math.h>

#include "attention-corpus-run.h"
#include "attention-corpus-sample.h"
#include "attention-export-corpus.h"
#include "attention-heatmap.h"

#define KEEP_TOP 8
#define N_RANKED 24

/* The sample's relations when the entry is empty: determiner, adjective and
 * preposition → their noun, pronoun → its verb (Clark et al. 2019 found
 * heads for such relations). */
static const char *const sample_relations[] = {
  "det:@DET->nearest:@NOUN",
  "adj:@ADJ->nearest:@NOUN",
  "prep:@ADP->nearest:@NOUN",
  "pron:@PRON->nearest:@VERB",
  NULL,
};

/* Written by the worker thread, read by the timer. */
typedef struct
{
  GMutex lock;
  guint64 lines;
  double fraction, seconds;
} Progress;

struct _AttentionHeadsPage
{
  AttentionPage parent_instance;

  GtkEntry *relation_entry;
  GtkDropDown *measure_dropdown;
  GtkStringList *measures;
  GtkRevealer *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkLabel *message_label;
  GtkStack *content_stack;
  GtkDrawingArea *heatmap;
  GtkListBox *ranked_list;
  GtkLabel *sentences_title;
  GtkListBox *sentences_list;
  GtkWidget *export_button;

  AttentionCorpusStats *stats;
  guint measure;
  int layer, head; /* the head whose sentences are listed, or -1 */
  GCancellable *cancellable;
  Progress *progress; /* of the running run, or NULL */
  guint timer;
  gboolean updating_measures;
};

enum
{
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AttentionHeadsPage, attention_heads_page, ATTENTION_TYPE_PAGE)

static AttentionSelection *
selection (AttentionHeadsPage *self)
{
  return attention_page_get_selection (ATTENTION_PAGE (self));
}

static void
show_message (AttentionHeadsPage *self, const char *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* --- what is shown ------------------------------------------------------- */

static double
value_of (AttentionHeadsPage *self, guint layer, guint head)
{
  if (self->measure < ATTENTION_CORPUS_N_STATS)
    return attention_corpus_stats_get_mean (self->stats, layer, head, self->measure);
  return attention_corpus_stats_get_relation_score (
      self->stats, self->measure - ATTENTION_CORPUS_N_STATS, layer, head);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
open_sentence_cb (GtkButton *button, AttentionHeadsPage *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "text");

  /* The head first: the window's run keeps the layer and head. */
  attention_selection_set_aggregate (selection (self), ATTENTION_AGGREGATE_HEAD);
  attention_selection_set_layer (selection (self), (guint)self->layer);
  attention_selection_set_head (selection (self), (guint)self->head);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.run-text", "s", text);
}

static void
update_sentences (AttentionHeadsPage *self)
{
  const AttentionCorpusLine *lines;
  guint n = 0;
  g_autofree char *title = NULL;

  clear_list (self->sentences_list);
  if (self->stats == NULL || self->layer < 0)
    {
      gtk_label_set_text (self->sentences_title, _ ("Click a head to see its sentences."));
      return;
    }
  n = attention_corpus_stats_get_top (self->stats, self->measure, (guint)self->layer,
                                      (guint)self->head, &lines);
  /* Translators: e.g. "Where layer 3, head 2 is strongest". */
  title =
      g_strdup_printf (_ ("Where layer %d, head %d is strongest"), self->layer + 1, self->head + 1);
  gtk_label_set_text (self->sentences_title, title);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (lines[i].text);
      g_autofree char *value = g_strdup_printf ("%.3f", lines[i].value);
      GtkWidget *number = gtk_label_new (value);
      GtkWidget *open = gtk_button_new_with_mnemonic (_ ("_Open"));
      g_autofree char *tip = g_strdup_printf (_ ("Line %llu: open it in Single Head"),
                                              (unsigned long long)lines[i].line);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_lines (GTK_LABEL (label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (number, "numeric");
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (open, tip);
      g_object_set_data_full (G_OBJECT (open), "text", g_strdup (lines[i].text), g_free);
      g_signal_connect (open, "clicked", G_CALLBACK (open_sentence_cb), self);
      gtk_box_append (GTK_BOX (row), label);
      gtk_box_append (GTK_BOX (row), number);
      gtk_box_append (GTK_BOX (row), open);
      gtk_widget_set_margin_top (row, 4);
      gtk_widget_set_margin_bottom (row, 4);
      gtk_list_box_append (self->sentences_list, row);
    }
}

typedef struct
{
  guint layer, head;
  double value;
} Cell;

static int
compare_cells (gconstpointer a, gconstpointer b)
{
  const Cell *x = a, *y = b;

  if (isnan (x->value) != isnan (y->value))
    return isnan (x->value) ? 1 : -1;
  if (!isnan (x->value) && x->value != y->value)
    return x->value > y->value ? -1 : 1;
  if (x->layer != y->layer)
    return x->layer < y->layer ? -1 : 1;
  return x->head < y->head ? -1 : x->head > y->head;
}

static void
update_ranked (AttentionHeadsPage *self)
{
  guint n_layers, n_heads;
  g_autofree Cell *cells = NULL;

  clear_list (self->ranked_list);
  if (self->stats == NULL)
    return;
  n_layers = attention_corpus_stats_get_n_layers (self->stats);
  n_heads = attention_corpus_stats_get_n_heads (self->stats);
  cells = g_new (Cell, (gsize)n_layers * n_heads);
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      cells[l * n_heads + h] = (Cell){ l, h, value_of (self, l, h) };
  qsort (cells, (gsize)n_layers * n_heads, sizeof (Cell), compare_cells);
  for (guint i = 0; i < MIN (N_RANKED, n_layers * n_heads); i++)
    {
      /* Translators: a ranked head: rank, layer, head, value. */
      g_autofree char *text =
          g_strdup_printf (_ ("%u. Layer %u, head %u: %.3f"), i + 1, cells[i].layer + 1,
                           cells[i].head + 1, cells[i].value);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "numeric");
      g_object_set_data (G_OBJECT (label), "layer", GUINT_TO_POINTER (cells[i].layer));
      g_object_set_data (G_OBJECT (label), "head", GUINT_TO_POINTER (cells[i].head));
      gtk_list_box_append (self->ranked_list, label);
    }
}

static void
update_view (AttentionHeadsPage *self)
{
  gtk_stack_set_visible_child_name (self->content_stack, self->stats != NULL ? "results" : "empty");
  gtk_widget_set_sensitive (self->export_button, self->stats != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self->heatmap));
  update_ranked (self);
  update_sentences (self);
}

static void
update_measures (AttentionHeadsPage *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->measures));
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
    g_ptr_array_add (names, g_strdup (attention_corpus_stat_name (s)));
  for (guint r = 0; self->stats != NULL && r < attention_corpus_stats_get_n_relations (self->stats);
       r++)
    {
      AttentionRelation *relation = attention_corpus_stats_get_relation (self->stats, r);

      /* Translators: a relation in the menu, by its name, e.g. "Relation det"; short, so
       * that the window's minimum width stays small. */
      g_ptr_array_add (names,
                       g_strdup_printf (_ ("Relation %s"), attention_relation_get_name (relation)));
    }
  g_ptr_array_add (names, NULL);
  self->updating_measures = TRUE;
  gtk_string_list_splice (self->measures, 0, n_old, (const char *const *)names->pdata);
  if (self->measure >= names->len - 1)
    self->measure = 0;
  gtk_drop_down_set_selected (self->measure_dropdown, self->measure);
  self->updating_measures = FALSE;
}

void
attention_heads_page_set_measure (AttentionHeadsPage *self, guint measure)
{
  g_return_if_fail (ATTENTION_IS_HEADS_PAGE (self));
  if (measure >= g_list_model_get_n_items (G_LIST_MODEL (self->measures)))
    return;
  self->measure = measure;
  if (gtk_drop_down_get_selected (self->measure_dropdown) != measure)
    gtk_drop_down_set_selected (self->measure_dropdown, measure);
  update_view (self);
}

static void
measure_changed_cb (AttentionHeadsPage *self)
{
  if (!self->updating_measures)
    attention_heads_page_set_measure (self, gtk_drop_down_get_selected (self->measure_dropdown));
}

void
attention_heads_page_select_head (AttentionHeadsPage *self, guint layer, guint head)
{
  g_return_if_fail (ATTENTION_IS_HEADS_PAGE (self));
  if (self->stats == NULL || layer >= attention_corpus_stats_get_n_layers (self->stats) ||
      head >= attention_corpus_stats_get_n_heads (self->stats))
    return;
  self->layer = (int)layer;
  self->head = (int)head;
  gtk_widget_queue_draw (GTK_WIDGET (self->heatmap));
  update_sentences (self);
}

static void
ranked_activated_cb (GtkListBox *list, GtkListBoxRow *row, AttentionHeadsPage *self)
{
  GtkWidget *label = gtk_list_box_row_get_child (row);

  attention_heads_page_select_head (
      self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "layer")),
      GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "head")));
}

static void
draw_heatmap (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  AttentionHeadsPage *self = data;
  g_autofree double *values = NULL;

  if (self->stats == NULL)
    return;
  values = attention_export_corpus_values (self->stats, self->measure);
  attention_heatmap_draw (
      cr, width, height, values, attention_corpus_stats_get_n_layers (self->stats),
      attention_corpus_stats_get_n_heads (self->stats),
      attention_selection_get_colormap (selection (self)), self->layer, self->head, NULL);
}

static void
heatmap_pressed_cb (
    GtkGestureClick *gesture, int n_press, double x, double y, AttentionHeadsPage *self)
{
  AttentionHeatmapLayout layout;
  guint n_layers, n_heads, layer, head;

  if (self->stats == NULL)
    return;
  n_layers = attention_corpus_stats_get_n_layers (self->stats);
  n_heads = attention_corpus_stats_get_n_heads (self->stats);
  attention_heatmap_layout (gtk_widget_get_width (GTK_WIDGET (self->heatmap)),
                            gtk_widget_get_height (GTK_WIDGET (self->heatmap)), n_layers, n_heads,
                            &layout);
  if (attention_heatmap_hit (&layout, n_layers, n_heads, x, y, &layer, &head))
    attention_heads_page_select_head (self, layer, head);
}

/* --- running ------------------------------------------------------------- */

static void
progress_cb (guint64 lines, guint64 read, double fraction, double seconds, gpointer data)
{
  Progress *progress = data;

  g_mutex_lock (&progress->lock);
  progress->lines = lines;
  progress->fraction = fraction;
  progress->seconds = seconds;
  g_mutex_unlock (&progress->lock);
}

static void
progress_free (Progress *progress)
{
  g_mutex_clear (&progress->lock);
  g_free (progress);
}

static gboolean
timer_cb (gpointer data)
{
  AttentionHeadsPage *self = data;
  Progress *progress = self->progress;
  guint64 lines;
  double fraction, seconds, rate;
  g_autofree char *text = NULL;

  g_mutex_lock (&progress->lock);
  lines = progress->lines;
  fraction = progress->fraction;
  seconds = progress->seconds;
  g_mutex_unlock (&progress->lock);

  rate = seconds > 0 ? lines / seconds : 0;
  if (fraction > 0 && fraction < 1)
    {
      double left = seconds * (1 - fraction) / fraction;

      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      /* Translators: progress of a run over a file, e.g. "120 lines, 35.2 lines/s, 0:41 left". */
      text = g_strdup_printf (_ ("%llu lines, %.1f lines/s, %u:%02u left"),
                              (unsigned long long)lines, rate, (guint)left / 60, (guint)left % 60);
    }
  else
    {
      gtk_progress_bar_pulse (self->progress_bar);
      text = g_strdup_printf (_ ("%llu lines, %.1f lines/s"), (unsigned long long)lines, rate);
    }
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  AttentionHeadsPage *self;
  Progress *progress;
} Done;

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Done *done = user_data;
  AttentionHeadsPage *self = done->self;
  g_autoptr (GError) error = NULL;
  AttentionCorpusStats *stats;

  stats = attention_corpus_run_finish (ATTENTION_MODEL (source), res, &error);
  if (self->progress == done->progress)
    {
      g_clear_handle_id (&self->timer, g_source_remove);
      self->progress = NULL;
      g_clear_object (&self->cancellable);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

      if (stats != NULL)
        {
          g_autofree char *summary = NULL;
          guint n_skipped = attention_corpus_stats_get_n_skipped (stats);

          g_clear_pointer (&self->stats, attention_corpus_stats_free);
          self->stats = g_steal_pointer (&stats);
          self->layer = self->head = -1;
          update_measures (self);
          update_view (self);
          if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            /* Translators: after Cancel; the numbers are lines and skipped lines. */
            summary = g_strdup_printf (
                _ ("Cancelled: the statistics hold the %llu lines run "
                   "until then (%u skipped)."),
                (unsigned long long)attention_corpus_stats_get_lines (self->stats), n_skipped);
          else if (error != NULL)
            summary = g_strdup (error->message);
          else if (n_skipped > 0)
            summary = g_strdup_printf (
                g_dngettext (GETTEXT_PACKAGE, "%llu lines in %.1f s; %u line was skipped.",
                             "%llu lines in %.1f s; %u lines were skipped.", n_skipped),
                (unsigned long long)attention_corpus_stats_get_lines (self->stats),
                attention_corpus_stats_get_seconds (self->stats), n_skipped);
          show_message (self, summary);
        }
      else
        show_message (self, error != NULL ? error->message : NULL);
    }
  g_clear_pointer (&stats, attention_corpus_stats_free);
  progress_free (done->progress);
  g_object_unref (done->self);
  g_free (done);
}

/* The relations of the entry (";" between them), or the sample's. NULL and
 * a message on a malformed one. */
static GPtrArray *
read_relations (AttentionHeadsPage *self, gboolean tagged, char **message)
{
  g_autoptr (GPtrArray) relations =
      g_ptr_array_new_with_free_func ((GDestroyNotify)attention_relation_free);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->relation_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_auto (GStrv) specs = NULL;

  if (stripped[0] == '\0')
    specs = g_strdupv (tagged ? (char **)sample_relations : (char *[]){ NULL });
  else
    specs = g_strsplit (text, ";", -1);
  for (guint i = 0; specs[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      AttentionRelation *relation;

      g_strstrip (specs[i]);
      if (specs[i][0] == '\0')
        continue;
      relation = attention_relation_parse (specs[i], &error);
      if (relation == NULL)
        {
          *message = g_strdup (error->message);
          return NULL;
        }
      if (attention_relation_needs_tags (relation) && !tagged)
        {
          attention_relation_free (relation);
          *message = g_strdup (_ ("A relation names a part-of-speech tag (@TAG): only the tagged "
                                  "sample has tags."));
          return NULL;
        }
      g_ptr_array_add (relations, relation);
    }
  return g_steal_pointer (&relations);
}

void
attention_heads_page_run (AttentionHeadsPage *self, const char *path, const char *tags_path)
{
  AttentionModel *model = attention_selection_get_model (selection (self));
  g_autofree char *sample = NULL, *sample_tags = NULL, *message = NULL;
  AttentionCorpusRunOptions options;
  GPtrArray *relations;
  Done *done;

  g_return_if_fail (ATTENTION_IS_HEADS_PAGE (self));
  if (model == NULL)
    {
      show_message (self, _ ("No model is loaded: open a model bundle first."));
      return;
    }
  if (path == NULL)
    {
      path = sample = attention_corpus_sample_path ();
      tags_path = sample_tags = attention_corpus_sample_tags_path ();
    }
  relations = read_relations (self, tags_path != NULL, &message);
  if (relations == NULL)
    {
      show_message (self, message);
      return;
    }
  /* A run still going is cancelled; its answer finds itself replaced. */
  if (self->progress != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      g_clear_handle_id (&self->timer, g_source_remove);
      self->progress = NULL;
    }
  show_message (self, NULL);

  attention_corpus_run_options_init (&options);
  options.path = path;
  options.tags_path = tags_path;
  options.progress = progress_cb;
  self->progress = g_new0 (Progress, 1);
  g_mutex_init (&self->progress->lock);
  options.progress_data = self->progress;
  self->cancellable = g_cancellable_new ();
  done = g_new0 (Done, 1);
  done->self = g_object_ref (self);
  done->progress = self->progress;
  attention_corpus_run_async (model, relations, KEEP_TOP, &options, self->cancellable, run_done_cb,
                              done);

  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _ ("Starting…"));
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  self->timer = g_timeout_add (250, timer_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
attention_heads_page_cancel (AttentionHeadsPage *self)
{
  g_return_if_fail (ATTENTION_IS_HEADS_PAGE (self));
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
attention_heads_page_get_running (AttentionHeadsPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_HEADS_PAGE (self), FALSE);
  return self->progress != NULL;
}

AttentionCorpusStats *
attention_heads_page_get_stats (AttentionHeadsPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_HEADS_PAGE (self), NULL);
  return self->stats;
}

static void
run_sample_cb (AttentionHeadsPage *self)
{
  attention_heads_page_run (self, NULL, NULL);
}

static void
choose_response_cb (GtkNativeDialog *dialog, int response, AttentionHeadsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        attention_heads_page_run (self, path, NULL);
    }
  g_object_unref (dialog);
}

static void
choose_file_cb (AttentionHeadsPage *self)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      _ ("Run a File of Sentences"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
      GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Run"), _ ("_Cancel"));

  g_signal_connect (dialog, "response", G_CALLBACK (choose_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
cancel_cb (AttentionHeadsPage *self)
{
  attention_heads_page_cancel (self);
}

/* --- export -------------------------------------------------------------- */

gboolean
attention_heads_page_export (AttentionHeadsPage *self,
                             const char *format,
                             const char *path,
                             GError **error)
{
  AttentionExportFormat picture;

  g_return_val_if_fail (ATTENTION_IS_HEADS_PAGE (self), FALSE);
  if (self->stats == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Nothing to export yet: run the sample or a file first."));
      return FALSE;
    }
  if (g_str_equal (format, "csv"))
    return attention_export_corpus_csv (self->stats, path, error);
  if (g_str_equal (format, "json"))
    return attention_export_corpus_json (self->stats, path, error);
  if (g_str_equal (format, "png"))
    picture = ATTENTION_EXPORT_PNG;
  else if (g_str_equal (format, "svg"))
    picture = ATTENTION_EXPORT_SVG;
  else if (g_str_equal (format, "pdf"))
    picture = ATTENTION_EXPORT_PDF;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("Unknown format “%s”."),
                   format);
      return FALSE;
    }
  return attention_export_corpus_heatmap (
      self->stats, self->measure, gtk_string_list_get_string (self->measures, self->measure),
      attention_selection_get_colormap (selection (self)), picture, path, error);
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, AttentionHeadsPage *self)
{
  const char *format = g_object_get_data (G_OBJECT (dialog), "format");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr (GError) error = NULL;

      if (path != NULL && !attention_heads_page_export (self, format, path, &error))
        show_message (self, error->message);
      else if (path != NULL)
        {
          /* Translators: after an export, the file's path. */
          g_autofree char *message = g_strdup_printf (_ ("Saved %s"), path);

          show_message (self, message);
        }
    }
  g_object_unref (dialog);
}

static void
export_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  AttentionHeadsPage *self = ATTENTION_HEADS_PAGE (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("heads.%s", format);
  GtkFileChooserNative *dialog =
      gtk_file_chooser_native_new (_ ("Export Heads"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                   GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data_full (G_OBJECT (dialog), "format", g_strdup (format), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- the object ---------------------------------------------------------- */

static void
colormap_cb (AttentionHeadsPage *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->heatmap));
}

static void
attention_heads_page_constructed (GObject *object)
{
  AttentionHeadsPage *self = ATTENTION_HEADS_PAGE (object);

  G_OBJECT_CLASS (attention_heads_page_parent_class)->constructed (object);
  g_signal_connect_object (selection (self), "notify::colormap", G_CALLBACK (colormap_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
attention_heads_page_dispose (GObject *object)
{
  AttentionHeadsPage *self = ATTENTION_HEADS_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  G_OBJECT_CLASS (attention_heads_page_parent_class)->dispose (object);
}

static void
attention_heads_page_finalize (GObject *object)
{
  AttentionHeadsPage *self = ATTENTION_HEADS_PAGE (object);

  g_clear_pointer (&self->stats, attention_corpus_stats_free);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (attention_heads_page_parent_class)->finalize (object);
}

static void
attention_heads_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionHeadsPage *self = ATTENTION_HEADS_PAGE (object);

  switch (prop_id)
    {
      case PROP_RUNNING:
        g_value_set_boolean (value, attention_heads_page_get_running (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_heads_page_class_init (AttentionHeadsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = attention_heads_page_constructed;
  object_class->dispose = attention_heads_page_dispose;
  object_class->finalize = attention_heads_page_finalize;
  object_class->get_property = attention_heads_page_get_property;

  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "heads.export", "s", export_activated);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/Attention/ui/attention-heads-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, relation_entry);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, measure_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, measures);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, heatmap);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, ranked_list);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, sentences_title);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, sentences_list);
  gtk_widget_class_bind_template_child (widget_class, AttentionHeadsPage, export_button);
  gtk_widget_class_bind_template_callback (widget_class, run_sample_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_file_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, measure_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, ranked_activated_cb);
}

static void
attention_heads_page_init (AttentionHeadsPage *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->layer = self->head = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->heatmap, draw_heatmap, self, NULL);
  g_signal_connect (click, "pressed", G_CALLBACK (heatmap_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->heatmap), GTK_EVENT_CONTROLLER (click));
  update_measures (self);
  update_view (self);
}
