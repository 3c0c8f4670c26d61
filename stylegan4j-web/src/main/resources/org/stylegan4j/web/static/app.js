'use strict';
// stylegan4j explorer: builds API URLs from the controls; the latest request wins (older ones are
// aborted and their responses dropped); 503 answers are retried after Retry-After. An uploaded photo
// is projected by the server (its progress polled) and then picked as source A or B like a seed.
(function () {
  const $ = (id) => document.getElementById(id);
  const image = $('image');
  const status = $('status');
  const download = $('download');
  const state = { mode: 'generate', styles: 'coarse', info: null, noiseStrength: {} };
  let controller = null;
  let generation = 0;
  let pending = null;
  let currentObjectUrl = null;
  let renders = 0;

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  function seed(id) {
    const v = $(id).value.trim();
    return /^\d{1,10}$/.test(v) ? v : '0';
  }

  // Source A or B: a projection p<id> picked in its select, else the seed typed next to it.
  function source(which) {
    const picked = $('source' + which).value;
    return picked === 'seed' ? seed('seed' + which) : picked;
  }

  function noiseParam() {
    const parts = Object.entries(state.noiseStrength)
      .filter(([, v]) => Number(v) !== 1)
      .map(([band, v]) => band + ':' + Number(v).toFixed(2));
    return parts.join(',');
  }

  function buildUrl() {
    const p = new URLSearchParams();
    let path;
    let name;
    const a = source('A');
    const b = source('B');
    if (state.mode === 'generate') {
      path = '/api/generate';
      p.set('seed', a);
      name = 'seed-' + a;
    } else if (state.mode === 'mix') {
      path = '/api/mix';
      p.set('a', a);
      p.set('b', b);
      p.set('styles', state.styles);
      name = 'mix-' + a + '-' + b + '-' + state.styles;
    } else {
      path = '/api/interpolate';
      p.set('a', a);
      p.set('b', b);
      p.set('t', Number($('t').value).toFixed(2));
      p.set('space', $('space').value);
      name = 'interp-' + a + '-' + b + '-t' + Number($('t').value).toFixed(2);
    }
    p.set('psi', Number($('psi').value).toFixed(2));
    p.set('cutoff', $('cutoff').value);
    p.set('noise', $('noise').value);
    const strength = noiseParam();
    if (strength) {
      p.set('noiseStrength', strength);
    }
    return { url: path + '?' + p.toString(), name: name + '-psi' + Number($('psi').value).toFixed(2) + '.png' };
  }

  function schedule() {
    clearTimeout(pending);
    pending = setTimeout(render, 30);
  }

  async function render() {
    const { url, name } = buildUrl();
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    const mine = ++generation;
    const started = performance.now();
    setStatus('rendering...');
    try {
      const response = await fetch(url, { signal: controller.signal });
      if (mine !== generation) {
        return;
      }
      document.body.dataset.lastStatus = String(response.status);
      if (response.status === 503) {
        const wait = Math.min(10, Number(response.headers.get('Retry-After')) || 1);
        setStatus('server busy, retrying in ' + wait + ' s');
        setTimeout(() => { if (mine === generation) { render(); } }, wait * 1000);
        return;
      }
      if (!response.ok) {
        const body = await response.json().catch(() => ({ error: response.statusText }));
        if (mine === generation) {
          setStatus(body.error || ('HTTP ' + response.status), true);
        }
        return;
      }
      const blob = await response.blob();
      if (mine !== generation) {
        return;
      }
      const objectUrl = URL.createObjectURL(blob);
      image.src = objectUrl;
      image.dataset.request = url;
      download.href = objectUrl;
      download.download = name;
      if (currentObjectUrl) {
        URL.revokeObjectURL(currentObjectUrl);
      }
      currentObjectUrl = objectUrl;
      renders += 1;
      document.body.dataset.renders = String(renders);
      setStatus(Math.round(performance.now() - started) + ' ms');
    } catch (e) {
      if (e.name !== 'AbortError' && mine === generation) {
        setStatus('request failed: ' + e.message, true);
      }
    }
  }

  function setMode(mode) {
    state.mode = mode;
    document.querySelectorAll('input[name=mode]').forEach((r) => { r.checked = r.value === mode; });
    schedule();
  }

  function showBand(button) {
    document.querySelectorAll('button.band').forEach((b) => b.classList.toggle('active', b === button));
    const band = state.info && state.info.bands[button.dataset.band];
    $('mixLayers').textContent = band ? 'layers ' + band.layers + ' from B' : '';
  }

  function randomSeed() {
    return String(Math.floor(Math.random() * 100000));
  }

  function setProjectStatus(text, isError) {
    const out = $('projectStatus');
    out.textContent = text;
    out.classList.toggle('error', Boolean(isError));
  }

  // A finished projection becomes a choice of both source pickers, and is drawn as source A (at psi 1, as it
  // was found).
  function addProjection(job) {
    ['A', 'B'].forEach((which) => {
      const option = document.createElement('option');
      option.value = job.source;
      option.textContent = 'photo ' + job.source.slice(0, 7);
      $('source' + which).append(option);
    });
    const thumb = document.createElement('img');
    Object.assign(thumb, { src: job.target, alt: 'projected photo ' + job.source, title: job.source + ': use as A' });
    thumb.dataset.source = job.source;
    thumb.addEventListener('click', () => { $('sourceA').value = job.source; sourcesChanged(); });
    $('projections').append(thumb);
    $('sourceA').value = job.source;
    $('psi').value = '1';
    $('psiValue').textContent = '1.00';
    document.body.dataset.projections = String($('projections').children.length);
    sourcesChanged();
    setMode('generate');
  }

  function showProgress(job) {
    const bar = $('projectProgress');
    bar.hidden = job.state === 'done' || job.state === 'failed';
    bar.max = job.steps;
    bar.value = job.step;
    const distance = job.distance === null ? '' : ', distance ' + Number(job.distance).toFixed(4);
    setProjectStatus(job.state + ': step ' + job.step + ' of ' + job.steps + distance, job.state === 'failed');
  }

  async function follow(job) {
    showProgress(job);
    if (job.state === 'failed') {
      setProjectStatus('projection failed: ' + job.error, true);
      return;
    }
    if (job.state === 'done') {
      addProjection(job);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const response = await fetch('/api/project/' + job.id);
    const next = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) {
      setProjectStatus(next.error || ('HTTP ' + response.status), true);
      return;
    }
    await follow(next);
  }

  async function upload(file) {
    const limits = state.info && state.info.projection;
    if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
      setProjectStatus('choose a PNG or JPEG image', true);
      return;
    }
    if (limits && file.size > limits.maxUploadBytes) {
      setProjectStatus('the image is larger than ' + Math.round(limits.maxUploadBytes / 1048576) + ' MB', true);
      return;
    }
    setProjectStatus('uploading...');
    try {
      const response = await fetch('/api/project', { method: 'POST', headers: { 'Content-Type': file.type }, body: file });
      const body = await response.json().catch(() => ({ error: response.statusText }));
      if (response.status === 503) {
        setProjectStatus((body.error || 'server busy') + '; try again in a moment', true);
        return;
      }
      if (response.status !== 202) {
        setProjectStatus(body.error || ('HTTP ' + response.status), true);
        return;
      }
      await follow(body);
    } catch (e) {
      setProjectStatus('upload failed: ' + e.message, true);
    }
  }

  // A seed input is used only while its picker says "seed"; a projection has no z, so it is interpolated in w.
  function sourcesChanged() {
    let anyProjection = false;
    ['A', 'B'].forEach((which) => {
      const projected = $('source' + which).value !== 'seed';
      $('seed' + which).disabled = projected;
      $('random' + which).disabled = projected;
      anyProjection = anyProjection || projected;
    });
    if (anyProjection) {
      $('space').value = 'w';
    }
    $('space').disabled = anyProjection;
    schedule();
  }

  function setup(info) {
    state.info = info;
    const measured = info.metrics ? Object.entries(info.metrics).filter(([name]) => name !== 'kimg')
      .map(([name, value]) => name.toUpperCase() + ' ' + Number(value).toPrecision(4)).join(', ') : '';
    $('network').textContent = info.resolution + 'x' + info.resolution + ', ' + info.numLayers + ' layers, preset '
      + info.preset + (measured ? ' | ' + measured + ' at ' + info.metrics.kimg.toFixed(0) + ' kimg' : '');
    $('cutoff').max = String(info.numLayers);
    $('cutoff').value = String(info.defaults.cutoff);
    $('cutoffValue').textContent = String(info.defaults.cutoff);
    const noiseBands = $('noiseBands');
    Object.entries(info.bands).forEach(([band, range]) => {
      const button = document.querySelector('button.band[data-band=' + band + ']');
      button.disabled = !range;
      button.title = range ? 'layers ' + range.layers : 'no ' + band + ' layers at this resolution';
      if (!range) {
        return;
      }
      state.noiseStrength[band] = 1;
      const label = document.createElement('label');
      label.textContent = band + ' (layers ' + range.layers + ') ';
      const slider = document.createElement('input');
      Object.assign(slider, { type: 'range', min: '0', max: '2', step: '0.05', value: '1', id: 'noise-' + band });
      const out = document.createElement('output');
      out.textContent = '1.00';
      slider.addEventListener('input', () => {
        state.noiseStrength[band] = Number(slider.value);
        out.textContent = Number(slider.value).toFixed(2);
        schedule();
      });
      label.append(slider, ' ', out);
      noiseBands.append(label);
    });
    const first = document.querySelector('button.band:not(:disabled)');
    if (first) {
      state.styles = first.dataset.band;
      showBand(first);
    }
    render();
  }

  document.querySelectorAll('input[name=mode]').forEach((r) => r.addEventListener('change', () => setMode(r.value)));
  document.querySelectorAll('button.band').forEach((b) => b.addEventListener('click', () => {
    state.styles = b.dataset.band;
    showBand(b);
    setMode('mix');
  }));
  $('psi').addEventListener('input', () => { $('psiValue').textContent = Number($('psi').value).toFixed(2); schedule(); });
  $('cutoff').addEventListener('input', () => { $('cutoffValue').textContent = $('cutoff').value; schedule(); });
  $('t').addEventListener('input', () => {
    $('tValue').textContent = Number($('t').value).toFixed(2);
    if (state.mode !== 'interpolate') {
      setMode('interpolate');
    } else {
      schedule();
    }
  });
  ['seedA', 'seedB', 'space', 'noise'].forEach((id) => $(id).addEventListener('input', schedule));
  ['sourceA', 'sourceB'].forEach((id) => $(id).addEventListener('change', sourcesChanged));
  $('upload').addEventListener('change', () => {
    const file = $('upload').files[0];
    if (file) {
      upload(file);
    }
    $('upload').value = '';
  });
  $('randomA').addEventListener('click', () => { $('seedA').value = randomSeed(); schedule(); });
  $('randomB').addEventListener('click', () => { $('seedB').value = randomSeed(); schedule(); });

  fetch('/api/info')
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
    .then(setup)
    .catch((e) => setStatus('cannot load the network description: ' + e.message, true));
}());
