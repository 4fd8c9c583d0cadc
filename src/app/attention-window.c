/* attention-window.c: the main window: sentence entry, predictions, the
 * pages that show the attention (switched from the header bar, each bound
 * to the window's AttentionSelection), one compact layer/head row under
 * them, the sidebar of analysis options (AdwFlap, F9), model loading and
 * export. Nothing here blocks: loading, running and exporting happen in
 * GTask threads, and every outcome ends in a toast, a status page or the
 * predictions row. The window opens its own settings. */

#include "attention-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "attention-compare-page.h"
#include "attention-error-dialog.h"
#include "attention-export-registry.h"
#include "attention-heads-page.h"
#include "attention-lines-page.h"
#include "attention-neuron-page.h"
#include "attention-model-preload.h"
#include "attention-model-trust.h"
#include "attention-overview-page.h"
#include "attention-settings.h"
#include "attention-slider-label.h"
#include "attention-switcher-fit.h"

G_DEFINE_FINAL_TYPE (AttentionWindow, attention_window, ADW_TYPE_APPLICATION_WINDOW)

#define TOP_K 5

static void ensure_extras (AttentionWindow *self);
static void show_lacks (AttentionWindow *self);

static void
show_toast (AttentionWindow *self, AdwToast *toast)
{
  g_free (self->last_message);
  self->last_message = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
attention_window_toast (AttentionWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new ("");

  /* Titles are Pango markup; model errors may contain '<' or '&'. */
  adw_toast_set_title (toast, message);
  adw_toast_set_timeout (toast, 8);
  show_toast (self, toast);
}

/* Failures get a dialog with the whole reason (and details) that stays until
 * read; toasts are for short confirmations. */
void
attention_window_error (AttentionWindow *self,
                        const char *heading,
                        const char *message,
                        const char *details)
{
  attention_window_error_next (self, heading, message, details, NULL, NULL);
}

static void
next_step_cb (AdwMessageDialog *dialog, const char *response, AttentionWindow *self)
{
  const char *action = g_object_get_data (G_OBJECT (dialog), "next-action");

  if (g_strcmp0 (response, "next") == 0 && action != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
}

void
attention_window_error_next (AttentionWindow *self,
                             const char *heading,
                             const char *message,
                             const char *details,
                             const char *next_label,
                             const char *next_action)
{
  AdwMessageDialog *dialog;

  g_free (self->last_message);
  self->last_message = g_strdup (message);
  dialog = attention_error_dialog_present (GTK_WINDOW (self), heading, message, details);
  if (self->error_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->error_dialog), (gpointer *)&self->error_dialog);
  self->error_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->error_dialog);
  if (next_label == NULL || next_action == NULL)
    return;
  /* The way on, as a button: the suggested one, Close stays the default. */
  adw_message_dialog_add_response (dialog, "next", next_label);
  adw_message_dialog_set_response_appearance (dialog, "next", ADW_RESPONSE_SUGGESTED);
  g_object_set_data_full (G_OBJECT (dialog), "next-action", g_strdup (next_action), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (next_step_cb), self, 0);
}

static void
update_busy (AttentionWindow *self)
{
  gboolean busy = self->load_cancellable != NULL || self->run_cancellable != NULL;

  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  attention_window_update_actions (self);
}

/* Which page the content stack shows follows from the state. */
static void
update_page (AttentionWindow *self)
{
  gboolean has_result = attention_selection_get_result (self->selection) != NULL;
  const char *page;

  if (has_result)
    page = "view";
  else if (self->load_cancellable != NULL)
    {
      adw_status_page_set_title (self->busy_page, _ ("Loading the Model…"));
      page = "busy";
    }
  else if (attention_selection_get_model (self->selection) == NULL)
    page = "no-model";
  else if (self->run_cancellable != NULL)
    {
      adw_status_page_set_title (self->busy_page, _ ("Running the Model…"));
      page = "busy";
    }
  else
    page = "empty";
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_sensitive (self->controls, has_result);
}

/* ---------------------------------------------------------------- sliders */

/* The page in view. */
static AttentionPage *
current_page (AttentionWindow *self)
{
  return ATTENTION_PAGE (adw_view_stack_get_visible_child (self->view_stack));
}

/* A slider spans 1..count (the count of the model or the result), at
 * index + 1: the sliders count from 1 like the file names, the selection
 * from 0. */
static void
configure_scale (AttentionWindow *self, GtkScale *scale, guint index, guint count)
{
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (scale));

  count = MAX (count, 1);
  self->syncing_sliders = TRUE;
  gtk_adjustment_configure (adjustment, CLAMP (index + 1.0, 1, count), 1, count, 1, 1, 0);
  self->syncing_sliders = FALSE;
  /* Unlabelled ticks: the value label beside the slider says the number, and
   * the row stays one line high. */
  gtk_scale_clear_marks (scale);
  if (count <= 32)
    for (guint i = 1; i <= count; i++)
      gtk_scale_add_mark (scale, i, GTK_POS_BOTTOM, NULL);
}

static void
set_slider (AttentionWindow *self, GtkAdjustment *adjustment, guint index)
{
  self->syncing_sliders = TRUE;
  gtk_adjustment_set_value (adjustment, index + 1.0);
  self->syncing_sliders = FALSE;
}

/* "2 of 12" beside the layer slider, as the value the slider does not draw;
 * beside the head slider likewise, or every head a page draws at once
 * ("1, 3, 5 of 12" in Lines), since the picture shows them all. */
static void
update_value_labels (AttentionWindow *self)
{
  guint n_layers = MAX (attention_selection_get_n_layers (self->selection), 1);
  guint n_heads = MAX (attention_selection_get_n_heads (self->selection), 1);
  g_autofree char *layer = attention_slider_label (
      MIN (attention_selection_get_layer (self->selection) + 1, n_layers), n_layers);
  g_autofree char *head = attention_slider_label_for_set (
      attention_page_get_heads (current_page (self)),
      MIN (attention_selection_get_head (self->selection) + 1, n_heads), n_heads);

  gtk_label_set_label (self->layer_value, layer);
  gtk_label_set_label (self->head_value, head);
}

static void
shape_cb (AttentionWindow *self)
{
  configure_scale (self, self->layer_scale, attention_selection_get_layer (self->selection),
                   attention_selection_get_n_layers (self->selection));
  configure_scale (self, self->head_scale, attention_selection_get_head (self->selection),
                   attention_selection_get_n_heads (self->selection));
  update_value_labels (self);
}

static void
position_cb (AttentionWindow *self)
{
  set_slider (self, self->layer_adjustment, attention_selection_get_layer (self->selection));
  set_slider (self, self->head_adjustment, attention_selection_get_head (self->selection));
  update_value_labels (self);
}

static void
slider_moved_cb (GtkAdjustment *adjustment, AttentionWindow *self)
{
  double value = round (gtk_adjustment_get_value (adjustment));
  guint index = value >= 1 ? (guint)value - 1 : 0;

  if (self->syncing_sliders)
    return;
  if (adjustment == self->layer_adjustment)
    attention_selection_set_layer (self->selection, index);
  else
    attention_selection_set_head (self->selection, index);
}

/* Layer and head apply as far as the shown matrix uses them: a layer mean
 * has no head, the mean of all heads neither layer nor head. */
static void
update_sliders (AttentionWindow *self)
{
  AttentionAggregate aggregate = attention_selection_get_aggregate (self->selection);
  gboolean uses_aggregate =
      (attention_page_get_groups (current_page (self)) & ATTENTION_PAGE_GROUP_MATRIX) != 0;
  gboolean layer = !uses_aggregate || aggregate != ATTENTION_AGGREGATE_ALL_MEAN;
  gboolean head = !uses_aggregate || aggregate == ATTENTION_AGGREGATE_HEAD ||
                  aggregate == ATTENTION_AGGREGATE_NORMS;

  gtk_widget_set_sensitive (GTK_WIDGET (self->layer_scale), layer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->layer_value), layer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->head_scale), head);
  gtk_widget_set_sensitive (GTK_WIDGET (self->head_value), head);
}

/* The sidebar and the sliders follow the page; the page actions show it. */
static void
page_changed_cb (AttentionWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  attention_sidebar_set_groups (self->sidebar, attention_page_get_groups (current_page (self)));
  update_sliders (self);
  update_value_labels (self);
  attention_window_actions_show_page (self, name != NULL ? name : "single");
  ensure_extras (self);
}

/* ------------------------------------------------------------------ model */

/* The model's name in the header bar: a label beside the switcher when it
 * is wide, the title's subtitle when the switcher gives way to it. */
static void
title_visible_cb (AttentionWindow *self)
{
  gboolean show = !adw_view_switcher_title_get_title_visible (self->switcher_title) &&
                  *gtk_label_get_label (self->model_label) != '\0';
  GtkWidget *start = gtk_widget_get_parent (self->model_box);

  /* What the name takes from the switcher's room (a hidden widget
   * measures 0: remembered from when it was shown). */
  if (gtk_widget_get_visible (self->model_box))
    {
      int width = 0;

      gtk_widget_measure (self->model_box, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL,
                          NULL);
      self->model_box_width =
          width + (GTK_IS_BOX (start) ? gtk_box_get_spacing (GTK_BOX (start)) : 0);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->model_label), show);
  gtk_widget_set_visible (self->model_box, show);
  /* The switcher comes back only with room for the name beside it, so that
   * showing the name cannot push the switcher out again. */
  attention_switcher_fit (self->switcher_title, show ? 0 : self->model_box_width);
}

static gboolean
title_visible_idle (gpointer data)
{
  AttentionWindow *self = data;

  title_visible_cb (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
title_visible_later (AttentionWindow *self)
{
  g_idle_add (title_visible_idle, g_object_ref (self));
}

/* The name the window gives a model: the bundled one is the demo model,
 * which its own name could pass for Google's BERT. */
static char *
model_display_name (AttentionModel *model)
{
  const AttentionModelInfo *info = attention_model_get_info (model);

  if (attention_model_path_is_bundled (attention_model_get_path (model)))
    /* Translators: the bundled model, small and trained by this project. */
    return g_strdup (_ ("Demo model (not Google’s BERT)"));
  return g_strdup (info->name);
}

static void
set_model (AttentionWindow *self, AttentionModel *model)
{
  const AttentionModelInfo *info = attention_model_get_info (model);
  g_autofree char *size = attention_model_info_describe_size (info);
  g_autofree char *path = g_filename_display_name (attention_model_get_path (model));
  g_autofree char *name = model_display_name (model);
  g_autofree char *tooltip = g_strdup_printf ("%s\n%s", info->name, path);

  /* The old result, which belongs to the old model, goes with it. */
  attention_selection_set_model (self->selection, model);
  g_clear_pointer (&self->lacks_qk, g_free);
  g_clear_pointer (&self->lacks_norms, g_free);
  show_lacks (self);

  adw_view_switcher_title_set_subtitle (self->switcher_title, name);
  {
    /* Translators: the window title: the model's name, then the app's. */
    g_autofree char *title = g_strdup_printf (_ ("%s — Attention"), name);

    gtk_window_set_title (GTK_WINDOW (self), title);
  }
  if (attention_model_path_is_bundled (attention_model_get_path (model)))
    {
      /* Translators: the bundled model's name beside the view switcher,
       * above "not Google’s BERT"; keep it short. */
      gtk_label_set_label (self->model_label, _ ("Demo model"));
      /* Translators: under "Demo model" in the header bar. */
      gtk_label_set_label (self->model_note, _ ("not Google’s BERT"));
    }
  else
    {
      gtk_label_set_label (self->model_label, name);
      gtk_label_set_label (self->model_note, "");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->model_note),
                          *gtk_label_get_label (self->model_note) != '\0');
  gtk_widget_set_tooltip_text (self->model_box, tooltip);
  title_visible_cb (self);
  gtk_label_set_label (self->info_name, info->name);
  gtk_label_set_label (self->info_size, size);
  gtk_label_set_label (self->info_description, info->description ? info->description : "");
  gtk_label_set_label (self->info_source, info->source ? info->source : "");
  gtk_label_set_label (self->info_path, path);
}

/* A .pt bundle is TorchScript: libtorch ran code from it to open it. The
 * model information keeps saying so (the user was asked before). */
static void
show_code_notice (AttentionWindow *self)
{
  g_autofree char *description =
      g_strconcat (gtk_label_get_label (self->info_description), "\n\n",
                   _ ("This bundle is code (TorchScript) from outside the app’s own model "
                      "folders: open bundles only from sources you trust."),
                   NULL);

  gtk_label_set_label (self->info_description, description);
}

typedef struct
{
  AttentionWindow *self;     /* owned */
  GCancellable *cancellable; /* owned; cancelled when a newer load replaced this one */
  char *path;
  gboolean remember;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data->path);
  g_free (data);
}

static void
model_loaded_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  LoadData *data = user_data;
  AttentionWindow *self = data->self;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (GError) error = NULL;

  model = attention_model_new_from_file_finish (res, &error);
  /* The start-up preload has no cancellable of its own. */
  if (g_cancellable_is_cancelled (data->cancellable) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A newer load replaced this one, or the window closed. */
      load_data_free (data);
      return;
    }

  g_clear_object (&self->load_cancellable);

  if (model == NULL)
    {
      g_autofree char *name = g_filename_display_basename (data->path);
      g_autofree char *message = NULL;
      const char *details = attention_model_error_get_details (error);

      message = g_strdup_printf (_ ("Could not load the model “%s”: %s. Open another model "
                                    "(Ctrl+O) or download one with Get Models…"),
                                 name, error->message);
      if (attention_selection_get_model (self->selection) != NULL || details != NULL)
        attention_window_error_next (self, _ ("Could Not Load the Model"), message, details,
                                     _ ("_Get Models…"), "win.get-models");
      if (attention_selection_get_model (self->selection) == NULL)
        {
          /* The status page says it too, and stays. */
          adw_status_page_set_description (self->no_model_page, message);
          g_free (self->last_message);
          self->last_message = g_steal_pointer (&message);
        }
    }
  else
    {
      gboolean switched = attention_selection_get_model (self->selection) != NULL;

      set_model (self, model);
      if (data->remember && self->settings != NULL)
        g_settings_set_string (self->settings, "model-path", data->path);
      if (attention_model_path_runs_foreign_code (data->path))
        show_code_notice (self);
      if (switched)
        {
          /* Open, Get Models or a drop replaced the model: the views are
           * now of another one. */
          g_autofree char *name = model_display_name (model);
          g_autofree char *message = g_strdup_printf (_ ("Switched to the model “%s”"), name);

          attention_window_toast (self, message);
        }
    }

  update_busy (self);
  update_page (self);

  /* Run the waiting or restored sentence on the new model. */
  if (model != NULL && (self->run_when_loaded || gtk_entry_get_text_length (self->entry) > 0))
    attention_window_run (self);
  self->run_when_loaded = FALSE;
  load_data_free (data);
}

static void load_now (AttentionWindow *self, const char *path, gboolean remember);

typedef struct
{
  AttentionWindow *self;    /* owned */
  AdwMessageDialog *dialog; /* not owned: it owns this */
  char *path;
  gboolean remember;
} TrustData;

static void
trust_data_free (gpointer data, GClosure *closure)
{
  TrustData *d = data;

  /* The dialog is going: the window may go with the reference below. */
  if (d->self->trust_dialog == d->dialog)
    {
      g_object_remove_weak_pointer (G_OBJECT (d->dialog), (gpointer *)&d->self->trust_dialog);
      d->self->trust_dialog = NULL;
    }
  g_object_unref (d->self);
  g_free (d->path);
  g_free (d);
}

static void
trust_response_cb (AdwMessageDialog *dialog, const char *response, TrustData *d)
{
  /* Answered: no longer the open question, though it closes a bit later. */
  if (d->self->trust_dialog == dialog)
    {
      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *)&d->self->trust_dialog);
      d->self->trust_dialog = NULL;
    }
  if (g_strcmp0 (response, "open") == 0)
    load_now (d->self, d->path, d->remember);
}

/* Before libtorch runs a line of a bundle from elsewhere, the user says yes,
 * having read why in full. */
static void
ask_trust (AttentionWindow *self, const char *path, gboolean remember)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *body = g_strdup_printf (
      _ ("“%s” is a model bundle. Model bundles contain code that runs on this computer when "
         "the bundle is opened, with your permissions: it can read and change your files. Open "
         "only bundles from a source you trust.\n\nHugging Face model folders are data and "
         "run nothing; the app’s own models are safe."),
      name);
  TrustData *d = g_new0 (TrustData, 1);
  AdwMessageDialog *dialog;

  d->self = g_object_ref (self);
  d->path = g_strdup (path);
  d->remember = remember;
  if (self->trust_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->trust_dialog));
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _ ("Open a Bundle That Runs Code?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _ ("_Cancel"), "open", _ ("_Open"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  d->dialog = dialog;
  g_signal_connect_data (dialog, "response", G_CALLBACK (trust_response_cb), d, trust_data_free, 0);
  self->trust_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->trust_dialog);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* remember: the user chose it (Open, a drop, Get Models, the command line),
 * and it is remembered for the next start; a bundle from elsewhere is asked
 * about first. The start-up load (not remembered) was asked about when
 * it was chosen. */
void
attention_window_load_model (AttentionWindow *self, const char *path, gboolean remember)
{
  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (remember && attention_model_path_runs_foreign_code (path))
    ask_trust (self, path, remember);
  else
    load_now (self, path, remember);
}

static void
load_now (AttentionWindow *self, const char *path, gboolean remember)
{
  LoadData *data;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->load_cancellable);
  data->path = g_strdup (path);
  data->remember = remember;
  /* The start-up preload may be loading this very model already. */
  if (!attention_model_preload_claim (path, model_loaded_cb, data))
    attention_model_new_from_file_async (path, self->load_cancellable, model_loaded_cb, data);

  update_busy (self);
  update_page (self);
}

void
attention_window_open_demo_model (AttentionWindow *self)
{
  g_autofree char *path = attention_model_default_path ();

  g_return_if_fail (ATTENTION_IS_WINDOW (self));

  /* The app's own model: nothing to ask about. */
  load_now (self, path, TRUE);
}

void
attention_window_open_model_file (AttentionWindow *self, GFile *file)
{
  g_autofree char *path = NULL;
  g_autoptr (GFile) model = NULL;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* config.json or model.safetensors chosen or dropped: their folder. */
  model = attention_model_file_for (file);
  path = g_file_get_path (model);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *message = g_strdup_printf (
          _ ("Could not load the model “%s”: only local files can be opened"), uri);

      attention_window_error (self, _ ("Could Not Load the Model"), message, NULL);
      return;
    }
  attention_window_load_model (self, path, TRUE);
}

/* -------------------------------------------------------------------- run */

/* A run that asked for more than the attentions and failed: its message,
 * and what it asked for. */
typedef struct
{
  char *message;
  gboolean asked_qk;
  gboolean asked_norms;
} RunRetry;

typedef struct
{
  AttentionWindow *self; /* owned */
  GCancellable *cancellable;
  char *text;
  AttentionRunOptions options; /* its pointers into the fields below */
  char *pair;
  float *head_mask;
  gint64 saliency_position, saliency_token_id;
  gboolean from_entry; /* else a re-run of the shown sentence for more */
  RunRetry *retry;     /* this run is the plain one after that failure */
} RunData;

static void
run_data_free (RunData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data->text);
  g_free (data->pair);
  g_free (data->head_mask);
  if (data->retry != NULL)
    g_free (data->retry->message);
  g_free (data->retry);
  g_free (data);
}

static RunData *start_run (AttentionWindow *self,
                           const char *text,
                           gboolean from_entry,
                           gboolean plain,
                           const AttentionCandidate *explain,
                           guint explain_position);

/* What the pages in view need beyond the attentions: the neuron page the
 * queries and keys, Show's "Attention × value norms" the value norms. Not
 * what the model already said it cannot provide. */
static void
wanted_extras (AttentionWindow *self, gboolean *qk, gboolean *norms)
{
  *qk = self->lacks_qk == NULL &&
        adw_view_stack_get_visible_child (self->view_stack) == GTK_WIDGET (self->neuron_page);
  *norms = self->lacks_norms == NULL &&
           attention_selection_get_aggregate (self->selection) == ATTENTION_AGGREGATE_NORMS;
}

static void
show_lacks (AttentionWindow *self)
{
  attention_neuron_page_set_missing_reason (self->neuron_page, self->lacks_qk);
}

/* The shown result lacks what a page now needs: the same sentence runs once
 * more, asking for it (only then, so that plain runs stay as fast). */
static void
ensure_extras (AttentionWindow *self)
{
  AttentionResult *result = attention_selection_get_result (self->selection);
  gboolean qk, norms;

  if (result == NULL || self->run_cancellable != NULL)
    return;
  wanted_extras (self, &qk, &norms);
  if ((qk && attention_result_get_head_size (result) == 0) ||
      (norms && attention_result_get_value_norms (result, 0, 0) == NULL))
    start_run (self, attention_result_get_text (result), FALSE, FALSE, NULL, 0);
}

/* A run that asked for more than the plain attentions failed: the same
 * sentence runs once more without, and if that works the model does not
 * provide them (a foreign TorchScript file says "this model does not expose
 * …"): remembered, said, and not asked again. TRUE when it was that. */
static gboolean
retry_plain (AttentionWindow *self, RunData *data, const GError *error)
{
  RunRetry *retry;

  if (data->retry != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      !(data->options.want_qk || data->options.want_value_norms || data->options.saliency ||
        data->options.n_saliency_targets > 0))
    return FALSE;
  retry = g_new0 (RunRetry, 1);
  retry->message = g_strdup (error->message);
  retry->asked_qk = data->options.want_qk;
  retry->asked_norms = data->options.want_value_norms;
  /* Plain: nothing extra whatever the pages want, until this is settled. */
  start_run (self, data->text, data->from_entry, TRUE, NULL, 0)->retry = retry;
  return TRUE;
}

/* The plain run after a failed one worked: what that one asked for is what
 * the model lacks. */
static void
settle_retry (AttentionWindow *self, const RunRetry *retry)
{
  if (retry->asked_qk && self->lacks_qk == NULL)
    self->lacks_qk = g_strdup (retry->message);
  if (retry->asked_norms && self->lacks_norms == NULL)
    {
      self->lacks_norms = g_strdup (retry->message);
      /* Show goes back to the head itself; the toast says why. */
      attention_selection_set_aggregate (self->selection, ATTENTION_AGGREGATE_HEAD);
    }
  show_lacks (self);
  attention_window_toast (self, retry->message);
}

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  RunData *data = user_data;
  AttentionWindow *self = data->self;
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GError) error = NULL;

  result = attention_model_run_finish (ATTENTION_MODEL (source), res, &error);
  /* Stale: typing cancelled it, or a newer run replaced it. */
  if (data->cancellable != self->run_cancellable ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      run_data_free (data);
      return;
    }
  g_clear_object (&self->run_cancellable);

  if (result == NULL && retry_plain (self, data, error))
    {
      update_busy (self);
      update_page (self);
      run_data_free (data);
      return;
    }
  if (result == NULL)
    {
      g_autofree char *message = NULL;

      /* The previous result stays on screen; the dialog says it is not this
       * sentence's. */
      if (attention_selection_get_result (self->selection) != NULL)
        message = g_strdup_printf (_ ("Could not run the sentence: %s. The previous result is "
                                      "still shown. Change the sentence and press Enter to "
                                      "run it again."),
                                   error->message);
      else
        message = g_strdup_printf (_ ("Could not run the sentence: %s. Change the sentence and "
                                      "press Enter to run it again."),
                                   error->message);
      attention_window_error (self, _ ("Could Not Run the Sentence"), message,
                              attention_model_error_get_details (error));
    }
  else
    {
      attention_selection_set_result (self->selection, result);
      if (data->retry != NULL)
        settle_retry (self, data->retry);
      if (self->settings != NULL && data->from_entry)
        g_settings_set_string (self->settings, "last-sentence", data->text);
      /* A sentence without [MASK] is said once, in the predictions row. */
    }

  update_busy (self);
  update_page (self);
  /* A page (or Show) asked for more while this run was on its way: that is
   * one more run. Not after a run that asked already, whatever it brought. */
  if (result != NULL)
    {
      gboolean qk, norms;

      wanted_extras (self, &qk, &norms);
      if ((qk && !data->options.want_qk) || (norms && !data->options.want_value_norms))
        ensure_extras (self);
    }
  run_data_free (data);
}

static void
cancel_run (AttentionWindow *self)
{
  if (self->run_cancellable == NULL)
    return;
  g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  update_busy (self);
  update_page (self);
}

void
attention_window_run (AttentionWindow *self)
{
  const char *text;
  g_autofree char *stripped = NULL;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));

  text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    {
      attention_window_toast (self, _ ("Type a sentence with [MASK] first"));
      return;
    }
  if (attention_selection_get_model (self->selection) == NULL)
    {
      if (self->load_cancellable != NULL)
        self->run_when_loaded = TRUE;
      else
        attention_window_toast (self, _ ("No model is loaded: open a model bundle first"));
      return;
    }

  start_run (self, text, TRUE, FALSE, NULL, 0);
}

/* Runs text with what the pages need; explain: also the saliency of that
 * candidate at token index explain_position. */
static RunData *
start_run (AttentionWindow *self,
           const char *text,
           gboolean from_entry,
           gboolean plain,
           const AttentionCandidate *explain,
           guint explain_position)
{
  RunData *data;
  gboolean qk, norms;

  cancel_run (self);
  self->run_cancellable = g_cancellable_new ();
  data = g_new0 (RunData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->run_cancellable);
  data->text = g_strdup (text);
  data->from_entry = from_entry;
  attention_run_options_init (&data->options);
  data->options.top_k = TOP_K;
  attention_window_ask_fill_options (self, &data->options);
  wanted_extras (self, &qk, &norms);
  data->options.want_qk = qk && !plain;
  data->options.want_value_norms = norms && !plain;
  if (explain != NULL)
    {
      data->saliency_position = explain_position;
      data->saliency_token_id = explain->id;
      data->options.saliency_positions = &data->saliency_position;
      data->options.saliency_token_ids = &data->saliency_token_id;
      data->options.n_saliency_targets = 1;
    }
  /* Running the shown result again for more: exactly its options (second
   * sentence, heads off, every position), whatever the entries say now, so
   * that the vectors, norms and saliency belong to the attentions shown. */
  if (!from_entry && attention_selection_get_result (self->selection) != NULL)
    {
      AttentionResult *shown = attention_selection_get_result (self->selection);
      const float *mask = attention_result_get_head_mask (shown);

      data->pair = g_strdup (attention_result_get_pair_text (shown));
      data->options.pair = data->pair;
      data->options.all_positions = attention_result_has_position_candidates (shown);
      data->options.head_mask = NULL;
      if (mask != NULL)
        {
          data->options.head_mask_layers = attention_result_get_n_layers (shown);
          data->options.head_mask_heads = attention_result_get_n_heads (shown);
          data->head_mask = g_memdup2 (mask, (gsize)data->options.head_mask_layers *
                                                 data->options.head_mask_heads * sizeof (float));
          data->options.head_mask = data->head_mask;
        }
    }
  /* Once per model: a RoBERTa reads the [MASK] typed as its own <mask>. */
  if (self->mask_noted != (gpointer)attention_selection_get_model (self->selection))
    {
      g_autofree char *note =
          attention_model_mask_note (attention_selection_get_model (self->selection), text);

      if (note == NULL && data->options.pair != NULL)
        note = attention_model_mask_note (attention_selection_get_model (self->selection),
                                          data->options.pair);
      if (note != NULL)
        {
          /* Toast titles are markup, and the note names <mask>. */
          g_autofree char *escaped = g_markup_escape_text (note, -1);

          attention_window_toast (self, escaped);
          self->mask_noted = attention_selection_get_model (self->selection);
        }
    }
  attention_model_run_with_options_async (attention_selection_get_model (self->selection), text,
                                          &data->options, self->run_cancellable, run_done_cb, data);

  update_busy (self);
  update_page (self);
  return data;
}

/* ----------------------------------------------------------------- export */

static void
export_progress_cb (AttentionExportJob *job, guint done, guint total, AttentionWindow *self)
{
  g_autofree char *text = NULL;

  if (self->export_job != job)
    return;
  /* Translators: export progress, e.g. "12 of 144". */
  text = g_strdup_printf (_ ("%u of %u"), done, total);
  gtk_progress_bar_set_fraction (self->export_progress, total > 0 ? (double)done / total : 0);
  gtk_progress_bar_set_text (self->export_progress, text);
}

static void
export_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AttentionExportJob *job = ATTENTION_EXPORT_JOB (source);
  g_autoptr (AttentionWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  const char *dir = attention_export_job_get_dir (job);
  g_autofree char *display_dir = g_filename_display_name (dir);
  guint n_written = attention_export_job_get_n_written (job);
  g_autofree char *message = NULL;
  gboolean ok = attention_export_job_run_finish (job, res, &error);
  AdwToast *toast;

  if (self->export_job != job)
    return; /* the window was closed meanwhile */
  g_clear_object (&self->export_job);
  g_clear_object (&self->export_cancellable);
  gtk_revealer_set_reveal_child (self->export_revealer, FALSE);

  if (ok)
    /* Translators: "Exported 144 diagrams to “/home/me/Pictures”". */
    message = g_strdup_printf (
        ngettext ("Exported %u diagram to “%s”", "Exported %u diagrams to “%s”", n_written),
        n_written, display_dir);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The exporter's own message says how many files were written. */
    message = g_strdup (error->message);
  else
    {
      message = g_strdup_printf (_ ("Export failed: %s. Choose another folder, or free some "
                                    "space, and export again."),
                                 error->message);
      attention_window_error_next (self, _ ("Export Failed"), message, NULL,
                                   _ ("C_hoose Another Folder…"), "win.export-all");
      attention_window_update_actions (self);
      return;
    }

  toast = adw_toast_new ("");
  adw_toast_set_title (toast, message);
  adw_toast_set_timeout (toast, 10);
  if (n_written > 0)
    {
      g_autoptr (GFile) file = g_file_new_for_path (dir);
      g_autofree char *uri = g_file_get_uri (file);

      adw_toast_set_button_label (toast, _ ("_Open Folder"));
      adw_toast_set_detailed_action_name (toast, "win.open-folder");
      adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
    }
  show_toast (self, toast);
  attention_window_update_actions (self);
}

static void
start_export (AttentionWindow *self, AttentionExportJob *job)
{
  self->export_cancellable = g_cancellable_new ();
  self->export_job = g_object_ref (job);
  gtk_progress_bar_set_fraction (self->export_progress, 0);
  gtk_progress_bar_set_text (self->export_progress, NULL);
  gtk_revealer_set_reveal_child (self->export_revealer, TRUE);
  attention_window_update_actions (self);

  g_signal_connect_object (job, "progress", G_CALLBACK (export_progress_cb), self, 0);
  attention_export_job_run_async (job, self->export_cancellable, export_done_cb,
                                  g_object_ref (self));
}

typedef struct
{
  AttentionWindow *self; /* owned */
  AttentionExportJob *job;
  char **stale;
} StaleData;

static void
stale_data_free (gpointer data)
{
  StaleData *d = data;

  g_object_unref (d->self);
  g_object_unref (d->job);
  g_strfreev (d->stale);
  g_free (d);
}

static void
stale_answer_cb (gboolean replace, gpointer data)
{
  StaleData *d = data;

  /* Things moved on while the question was open: say so. */
  if (attention_selection_get_result (d->self->selection) == NULL ||
      d->self->export_cancellable != NULL)
    {
      attention_window_toast (d->self, d->self->export_cancellable != NULL
                                           ? _ ("An export is already running")
                                           : _ ("Nothing to export: the sentence is running"));
      return;
    }
  if (replace)
    attention_export_job_set_remove (d->job, d->stale);
  start_export (d->self, d->job);
}

/* Diagrams of an earlier, bigger set would pass for part of this one: asks
 * before starting when the folder has some. */
static void
export_unless_stale (AttentionWindow *self, AttentionExportJob *job)
{
  AttentionResult *result = attention_selection_get_shown_result (self->selection);
  g_auto (GStrv) stale = attention_export_job_find_stale (job);

  if (stale[0] != NULL)
    {
      StaleData *d = g_new0 (StaleData, 1);

      d->self = g_object_ref (self);
      d->job = g_object_ref (job);
      d->stale = g_steal_pointer (&stale);
      attention_error_dialog_ask_stale (GTK_WINDOW (self), attention_export_job_get_dir (job),
                                        d->stale, attention_result_get_n_layers (result),
                                        attention_result_get_n_heads (result), stale_answer_cb, d,
                                        stale_data_free);
      return;
    }
  start_export (self, job);
}

typedef struct
{
  AttentionWindow *self; /* owned */
  AttentionExportJob *job;
  AttentionResult *result; /* what was to be exported, to notice a change */
} SentenceData;

static void
sentence_data_free (gpointer data, GClosure *closure)
{
  SentenceData *d = data;

  g_object_unref (d->self);
  g_object_unref (d->job);
  g_object_unref (d->result);
  g_free (d);
}

static void
sentence_response_cb (AdwMessageDialog *dialog, const char *response, SentenceData *d)
{
  AttentionWindow *self = d->self;

  if (self->sentence_dialog == dialog)
    self->sentence_dialog = NULL;
  if (g_strcmp0 (response, "choose") == 0)
    g_action_group_activate_action (G_ACTION_GROUP (self), "export-all", NULL);
  else if (g_strcmp0 (response, "replace") == 0)
    {
      /* Things moved on while the question was open: say so. */
      if (self->export_cancellable != NULL)
        attention_window_toast (self, _ ("An export is already running"));
      else if (attention_selection_get_shown_result (self->selection) != d->result)
        attention_window_toast (self, _ ("Not exported: the sentence changed while you chose"));
      else
        export_unless_stale (self, d->job);
    }
}

/* Asks before a set of another sentence is overwritten: the folder would
 * then mix two sentences' diagrams, or lose the other set unasked. */
static void
ask_other_sentence (AttentionWindow *self, AttentionExportJob *job, const char *sentence)
{
  g_autofree char *display = g_filename_display_name (attention_export_job_get_dir (job));
  g_autofree char *body = g_strdup_printf (
      _ ("The folder “%s” holds diagrams of another sentence:\n“%s”\nExporting here replaces "
         "them with this sentence’s. To keep both, choose another folder."),
      display, sentence);
  SentenceData *d = g_new0 (SentenceData, 1);
  GtkWidget *dialog;

  d->self = g_object_ref (self);
  d->job = g_object_ref (job);
  d->result = g_object_ref (attention_selection_get_shown_result (self->selection));
  dialog =
      adw_message_dialog_new (GTK_WINDOW (self), _ ("Replace Another Sentence’s Diagrams?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "choose",
                                    _ ("C_hoose Another Folder"), "replace", _ ("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "choose");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (sentence_response_cb), d,
                         sentence_data_free, 0);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  self->sentence_dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

char *
attention_window_default_export_folder (void)
{
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);

  /* As GNOME Screenshot keeps Pictures/Screenshots: a folder of the app's
   * own, not loose files in the home folder. */
  if (pictures != NULL)
    return g_build_filename (pictures, "Attention", NULL);
  return g_build_filename (g_get_home_dir (), "Pictures", "Attention", NULL);
}

void
attention_window_export_to (AttentionWindow *self, const char *dir)
{
  g_autoptr (AttentionExportJob) job = NULL;
  g_autofree char *other = NULL;
  /* What the window shows: without [CLS] and [SEP] when they are hidden. */
  AttentionResult *result = attention_selection_get_shown_result (self->selection);
  g_autoptr (AttentionResult) norms = NULL;
  const AttentionExportKind *kind;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  g_return_if_fail (dir != NULL);

  if (self->export_cancellable != NULL)
    {
      attention_window_toast (self, _ ("An export is already running"));
      return;
    }
  if (result == NULL)
    {
      attention_window_toast (self, _ ("Run a sentence first: there is nothing to export yet"));
      return;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_autofree char *message = g_strdup_printf (
          _ ("Export failed: the folder “%s” does not exist. Choose another folder."), display);

      attention_window_error_next (self, _ ("Export Failed"), message, NULL,
                                   _ ("C_hoose Another Folder…"), "win.export-all");
      return;
    }

  kind = attention_export_kind_find (attention_window_get_export_format (self));
  /* Show's norms go into every export kind, their captions say so. */
  if (attention_selection_get_aggregate (self->selection) == ATTENTION_AGGREGATE_NORMS &&
      (norms = attention_stats_norms_result (result)) != NULL)
    result = norms;
  job = attention_export_job_new (
      result, kind, dir,
      attention_model_get_info (attention_selection_get_model (self->selection))->name);
  other = attention_export_job_find_other_sentence (job);
  if (other != NULL)
    {
      ask_other_sentence (self, job, other);
      return;
    }
  export_unless_stale (self, job);
}

/* -------------------------------------------------------------- callbacks */

static void
entry_activate_cb (GtkEntry *entry, AttentionWindow *self)
{
  attention_window_run (self);
}

/* The second sentence's entry shows on demand; a pair set by the window
 * (Restore, a re-run) shows it, and hiding it drops the pair, so that no
 * hidden text changes what runs. */
static void
pair_entry_changed_cb (GtkEditable *editable, AttentionWindow *self)
{
  if (gtk_editable_get_text (editable)[0] != '\0')
    gtk_toggle_button_set_active (self->pair_button, TRUE);
}

static void
pair_button_toggled_cb (GtkToggleButton *button, AttentionWindow *self)
{
  if (!gtk_toggle_button_get_active (button))
    gtk_editable_set_text (GTK_EDITABLE (self->pair_entry), "");
  /* Opened by hand (empty): typing goes there. */
  else if (gtk_editable_get_text (GTK_EDITABLE (self->pair_entry))[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->pair_entry));
}

static void
entry_changed_cb (GtkEditable *editable, AttentionWindow *self)
{
  /* A result for a sentence that is no longer in the entry is not wanted. */
  cancel_run (self);
  attention_window_ask_text_edited (self);
  attention_window_update_actions (self);
}

static void
candidate_activated_cb (AttentionPredictions *predictions,
                        guint mask,
                        guint candidate,
                        AttentionWindow *self)
{
  g_autofree char *text = NULL;
  AttentionResult *result = attention_selection_get_result (self->selection);

  if (result == NULL)
    return;
  text = attention_result_fill_mask (result, mask, candidate);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  /* The completed sentence runs at once: its matrix replaces the old one. */
  attention_window_run (self);
}

/* Ctrl+click or "Why this prediction?": the shown sentence runs again with
 * the gradient of that candidate's log-probability, and the tokens are
 * tinted by their saliency. */
static void
explain_candidate_cb (AttentionPredictions *predictions,
                      guint mask,
                      guint candidate,
                      AttentionWindow *self)
{
  AttentionResult *result = attention_selection_get_result (self->selection);
  const AttentionCandidate *candidates;
  guint n_candidates;

  if (result == NULL || mask >= attention_result_get_n_predictions (result))
    return;
  /* The chips show the candidates that are text: candidate counts those. */
  candidates = attention_result_get_shown_candidates (result, mask, &n_candidates);
  if (candidate >= n_candidates)
    return;
  start_run (self, attention_result_get_text (result), FALSE, FALSE, &candidates[candidate],
             attention_result_get_prediction_position (result, mask));
}

/* Replaces every [mask] written in another case by [MASK]. */
static char *
fix_mask_case (const char *text)
{
  GString *fixed = g_string_new (NULL);
  gsize len = strlen ("[MASK]");

  for (const char *p = text; *p != '\0';)
    {
      if (g_ascii_strncasecmp (p, "[MASK]", len) == 0)
        {
          g_string_append (fixed, "[MASK]");
          p += len;
        }
      else
        g_string_append_c (fixed, *p++);
    }
  return g_string_free (fixed, FALSE);
}

static void
use_mask_cb (AttentionPredictions *predictions, AttentionWindow *self)
{
  g_autofree char *text = fix_mask_case (gtk_editable_get_text (GTK_EDITABLE (self->entry)));

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  attention_window_run (self);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, AttentionWindow *self)
{
  GFile *file = g_value_get_object (value);
  g_autofree char *name = NULL;

  if (file == NULL)
    return FALSE;
  name = g_file_get_basename (file);
  if (name == NULL ||
      (!g_str_has_suffix (name, ".pt") &&
       g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY &&
       !g_str_equal (name, "model.safetensors") && !g_str_equal (name, "config.json")))
    {
      g_autofree char *display = g_file_get_parse_name (file);
      g_autofree char *message = g_strdup_printf (
          _ ("“%s” is not a model: drop a .pt bundle or a Hugging Face model folder"), display);

      attention_window_toast (self, message);
      return FALSE;
    }
  attention_window_open_model_file (self, file);
  return TRUE;
}

/* ---------------------------------------------------------------- window */

/* ATTENTION_BENCH_EXIT_ON_FIRST_DRAW=1 (bench/run-all): quit after the first
 * frame that has shown a matrix, so that the process run time is the time to
 * the first diagram on screen. ATTENTION_BENCH_TEXT gives the sentence. */
static void
bench_after_paint_cb (GdkFrameClock *clock, AttentionWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app != NULL &&
      attention_view_get_drew_matrix (attention_single_page_get_view (self->single_page)))
    g_application_quit (G_APPLICATION (app));
}

static void
bench_realize_cb (GtkWidget *widget, gpointer user_data)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           G_CALLBACK (bench_after_paint_cb), widget, 0);
}

static void
bench_init (AttentionWindow *self)
{
  const char *text = g_getenv ("ATTENTION_BENCH_TEXT");

  if (g_strcmp0 (g_getenv ("ATTENTION_BENCH_EXIT_ON_FIRST_DRAW"), "1") != 0)
    return;
  if (text != NULL && *text != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  g_signal_connect (self, "realize", G_CALLBACK (bench_realize_cb), NULL);
}

/* The settings count layer and head from 1, as the sliders do. */
static gboolean
position_from_setting (GValue *value, GVariant *variant, gpointer user_data)
{
  guint position = g_variant_get_uint32 (variant);

  g_value_set_uint (value, position >= 1 ? position - 1 : 0);
  return TRUE;
}

static GVariant *
position_to_setting (const GValue *value, const GVariantType *type, gpointer user_data)
{
  return g_variant_new_uint32 (g_value_get_uint (value) + 1);
}

static gboolean
sidebar_from_setting (GValue *value, GVariant *variant, gpointer user_data)
{
  g_value_set_boolean (value, g_variant_get_boolean (variant));
  return TRUE;
}

/* Below this width the sidebar folds into an overlay: docked, its 280
 * pixels would leave the matrix too little room. */
#define FOLD_WIDTH 900

static void
attention_window_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionWindow *self = ATTENTION_WINDOW (widget);

  /* The flap's own policy folds only when its content's minimum no longer
   * fits, far narrower than this. */
  adw_flap_set_fold_policy (self->flap, width < FOLD_WIDTH ? ADW_FLAP_FOLD_POLICY_ALWAYS
                                                           : ADW_FLAP_FOLD_POLICY_AUTO);
  GTK_WIDGET_CLASS (attention_window_parent_class)->size_allocate (widget, width, height, baseline);
}

/* A folded (narrow) window hides the sidebar by itself: that is not the
 * user's choice for a wide one, and is not remembered. */
static GVariant *
sidebar_to_setting (const GValue *value, const GVariantType *type, gpointer user_data)
{
  if (adw_flap_get_folded (ADW_FLAP (user_data)))
    return NULL;
  return g_variant_new_boolean (g_value_get_boolean (value));
}

/* The window's own state lives in the settings, which it opens itself: its
 * size, the sidebar, layer and head. The last sentence comes back in the
 * entry, and the first launch opens on a result, not on an empty page: the
 * example runs as soon as the model is loaded. */
static void
restore_state (AttentionWindow *self)
{
  self->settings = attention_settings_new ();
  if (self->settings != NULL)
    {
      g_autofree char *sentence = g_settings_get_string (self->settings, "last-sentence");

      g_settings_bind (self->settings, "window-width", self, "default-width",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-height", self, "default-height",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "window-maximized", self, "maximized",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind_with_mapping (self->settings, "sidebar-revealed", self->flap, "reveal-flap",
                                    G_SETTINGS_BIND_DEFAULT, sidebar_from_setting,
                                    sidebar_to_setting, self->flap, NULL);
      g_settings_bind_with_mapping (self->settings, "layer", self->selection, "layer",
                                    G_SETTINGS_BIND_DEFAULT, position_from_setting,
                                    position_to_setting, NULL, NULL);
      g_settings_bind_with_mapping (self->settings, "head", self->selection, "head",
                                    G_SETTINGS_BIND_DEFAULT, position_from_setting,
                                    position_to_setting, NULL, NULL);
      gtk_editable_set_text (GTK_EDITABLE (self->entry), sentence);
    }
  if (gtk_entry_get_text_length (self->entry) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), attention_window_example_sentence ());
}

/* Calls func on every page of the switcher. */
static void
foreach_page (AttentionWindow *self, void (*func) (AttentionWindow *self, AttentionPage *page))
{
  g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      func (self, ATTENTION_PAGE (adw_view_stack_page_get_child (page)));
    }
}

/* Each page's heads name themselves beside the head slider. */
static void
watch_page (AttentionWindow *self, AttentionPage *page)
{
  g_signal_connect_swapped (page, "notify::heads", G_CALLBACK (update_value_labels), self);
}

static void
unwatch_page (AttentionWindow *self, AttentionPage *page)
{
  g_signal_handlers_disconnect_by_data (page, self);
}

static gboolean
attention_window_close_request (GtkWindow *window)
{
  AttentionWindow *self = ATTENTION_WINDOW (window);

  /* Workers hold references to the window, so dispose may come late: stop
   * their work now; the app waits for them before it exits. */
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);

  return GTK_WINDOW_CLASS (attention_window_parent_class)->close_request (window);
}

static void
cancel_and_clear (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

static void
attention_window_dispose (GObject *object)
{
  AttentionWindow *self = ATTENTION_WINDOW (object);

  cancel_and_clear (&self->load_cancellable);
  cancel_and_clear (&self->run_cancellable);
  cancel_and_clear (&self->export_cancellable);
  g_clear_object (&self->export_job);
  if (self->trust_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->trust_dialog));
  if (self->error_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->error_dialog), (gpointer *)&self->error_dialog);
      self->error_dialog = NULL;
    }
  if (self->sentence_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->sentence_dialog));
  attention_window_ask_clear (self);
  if (self->export_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->export_dialog),
                                    (gpointer *)&self->export_dialog);
      self->export_dialog = NULL;
    }
  /* The settings outlive the window (another window has them too): what
   * they set here goes now. */
  if (self->settings != NULL)
    {
      g_settings_unbind (self, "default-width");
      g_settings_unbind (self, "default-height");
      g_settings_unbind (self, "maximized");
      g_settings_unbind (self->flap, "reveal-flap");
      g_settings_unbind (self->selection, "layer");
      g_settings_unbind (self->selection, "head");
      g_clear_object (&self->settings);
    }
  /* The pages go away one by one, and an aggregate still computing may keep
   * the selection past the window: nothing of theirs reaches it any more. */
  if (self->view_stack != NULL)
    {
      foreach_page (self, unwatch_page);
      g_signal_handlers_disconnect_by_data (self->view_stack, self);
      g_signal_handlers_disconnect_by_data (self->selection, self);
      g_signal_handlers_disconnect_by_data (self->layer_adjustment, self);
      g_signal_handlers_disconnect_by_data (self->head_adjustment, self);
      self->view_stack = NULL;
    }
  G_OBJECT_CLASS (attention_window_parent_class)->dispose (object);
}

static void
attention_window_finalize (GObject *object)
{
  AttentionWindow *self = ATTENTION_WINDOW (object);

  g_free (self->last_message);
  g_free (self->lacks_qk);
  g_free (self->lacks_norms);
  G_OBJECT_CLASS (attention_window_parent_class)->finalize (object);
}

/* The popover gives focus to its first selectable label, and a focused label
 * selects all its text: the model's name would open highlighted. */
static gboolean
clear_info_selection (gpointer data)
{
  g_autoptr (AttentionWindow) self = data;

  gtk_label_select_region (self->info_name, 0, 0);
  return G_SOURCE_REMOVE;
}

static void
info_popover_map_cb (GtkWidget *popover, AttentionWindow *self)
{
  g_idle_add (clear_info_selection, g_object_ref (self));
}

static void
attention_window_class_init (AttentionWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = attention_window_dispose;
  object_class->finalize = attention_window_finalize;
  widget_class->size_allocate = attention_window_size_allocate;
  window_class->close_request = attention_window_close_request;

  g_type_ensure (ATTENTION_TYPE_SELECTION);
  g_type_ensure (ATTENTION_TYPE_SIDEBAR);
  g_type_ensure (ATTENTION_TYPE_PREDICTIONS);
  g_type_ensure (ATTENTION_TYPE_LIMIT_BANNER);
  g_type_ensure (ATTENTION_TYPE_SINGLE_PAGE);
  g_type_ensure (ATTENTION_TYPE_OVERVIEW_PAGE);
  g_type_ensure (ATTENTION_TYPE_COMPARE_PAGE);
  g_type_ensure (ATTENTION_TYPE_LINES_PAGE);
  g_type_ensure (ATTENTION_TYPE_HEADS_PAGE);
  g_type_ensure (ATTENTION_TYPE_NEURON_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/Attention/ui/attention-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, selection);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, neuron_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, model_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, model_box);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, model_note);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, single_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_name);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_size);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_description);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_source);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_path);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, entry);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, pair_entry);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, pair_button);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, predictions);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, limit_banner);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, no_model_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, controls);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, layer_scale);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, head_scale);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, layer_value);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, head_value);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, layer_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, head_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, export_revealer);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, export_progress);
  gtk_widget_class_bind_template_callback (widget_class, info_popover_map_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pair_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pair_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, candidate_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_mask_cb);
  gtk_widget_class_bind_template_callback (widget_class, explain_candidate_cb);
}

const char *
attention_window_example_sentence (void)
{
  /* The entry's placeholder, so it is translated (or not) the same way. */
  return _ ("Then I picked up a [MASK] from the table.");
}

/* Keyboard focus starts in the entry, so typing at once replaces the example
 * (its text is selected) instead of landing on a header button. */
static void
map_cb (AttentionWindow *self, gpointer user_data)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* Each page is named for screen readers as the switcher names it. */
static void
name_pages (AttentionWindow *self)
{
  g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      const char *title = adw_view_stack_page_get_title (page);
      g_autoptr (GString) name = g_string_new (NULL);

      if (title == NULL)
        continue;
      /* "_Single Head" without its mnemonic mark ("__" is a "_"). */
      for (const char *c = title; *c != '\0'; c++)
        if (*c != '_' || (c[1] == '_' && c++))
          g_string_append_c (name, *c);
      gtk_accessible_update_property (GTK_ACCESSIBLE (adw_view_stack_page_get_child (page)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
    }
}

static void
attention_window_init (AttentionWindow *self)
{
  g_autofree char *remembered = NULL;
  g_autofree char *path = NULL;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  attention_window_actions_init (self);
  name_pages (self);

  g_signal_connect_swapped (self->selection, "notify::n-layers", G_CALLBACK (shape_cb), self);
  g_signal_connect_swapped (self->selection, "notify::n-heads", G_CALLBACK (shape_cb), self);
  g_signal_connect_swapped (self->selection, "notify::layer", G_CALLBACK (position_cb), self);
  g_signal_connect_swapped (self->selection, "notify::head", G_CALLBACK (position_cb), self);
  g_signal_connect_swapped (self->selection, "notify::aggregate", G_CALLBACK (update_sliders),
                            self);
  g_signal_connect_swapped (self->selection, "notify::aggregate", G_CALLBACK (ensure_extras), self);
  g_signal_connect (self->layer_adjustment, "value-changed", G_CALLBACK (slider_moved_cb), self);
  g_signal_connect (self->head_adjustment, "value-changed", G_CALLBACK (slider_moved_cb), self);
  g_signal_connect_swapped (self->view_stack, "notify::visible-child", G_CALLBACK (page_changed_cb),
                            self);
  /* After the layout that changed it: hiding a header child in the middle
   * of allocating the header bar leaves it drawn unallocated. */
  g_signal_connect_swapped (self->switcher_title, "notify::title-visible",
                            G_CALLBACK (title_visible_later), self);
  title_visible_cb (self);
  foreach_page (self, watch_page);
  shape_cb (self);
  page_changed_cb (self);

  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->entry));

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  restore_state (self);
  bench_init (self);
  update_busy (self);
  update_page (self);

  if (self->settings != NULL)
    remembered = g_settings_get_string (self->settings, "model-path");
  path = attention_model_preload_choose_path (remembered);
  attention_window_load_model (self, path, FALSE);
}

AttentionWindow *
attention_window_new (GtkApplication *application)
{
  return g_object_new (ATTENTION_TYPE_WINDOW, "application", application, NULL);
}

gboolean
attention_window_get_busy (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), FALSE);
  return self->load_cancellable != NULL || self->run_cancellable != NULL ||
         self->export_cancellable != NULL;
}

const char *
attention_window_get_model_path (AttentionWindow *self)
{
  AttentionModel *model;

  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);

  model = attention_selection_get_model (self->selection);
  return model != NULL ? attention_model_get_path (model) : NULL;
}

const char *
attention_window_get_last_message (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return self->last_message;
}
