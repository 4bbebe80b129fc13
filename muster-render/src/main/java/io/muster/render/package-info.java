/**
 * {@code bin/muster render}: files rendered from live service views, in the spirit of consul-template.
 *
 * <p>{@link io.muster.render.RenderMain} reads the command line ({@link io.muster.render.RenderOptions}, one
 * {@link io.muster.render.TemplateSpec} per {@code --template}); a {@link io.muster.render.Renderer} holds one
 * {@link io.muster.client.ServiceView} per service a template names ({@link io.muster.render.TemplateContext}),
 * renders every {@link io.muster.render.TemplateFile} after a {@link io.muster.render.QuietPeriod}, installs what
 * changed with a {@link io.muster.render.FileInstaller} (atomic, checked, rolled back on a failed check) and runs
 * each reload command once per pass ({@link io.muster.render.ShellCommand}).
 */
package io.muster.render;
