/* vaora check-in: a submission that could not be sent (no network, 5xx, no answer) is kept on
 * the phone, survives a reload, and is sent again with the same idempotency key until the
 * server answers, so it is recorded exactly once. The page works without this file. */
(function () {
	'use strict';
	var QUEUE = 'vaora.queue';
	/* Retries while the network is away; the browser's "online" event also retries at once. */
	var RETRY_MS = 3000;
	/* A request with no answer after this is treated as lost and retried (same key). */
	var TIMEOUT_MS = 15000;
	var memory = [];	/* when the browser keeps nothing (private tabs, some in-app browsers) */
	var sending = false;
	var timer = null;

	function load() {
		try {
			var q = JSON.parse(window.localStorage.getItem(QUEUE) || '[]');
			return Array.isArray(q) ? q : [];
		} catch (e) {
			return memory.slice();
		}
	}

	function save(q) {
		memory = q.slice();
		try {
			if (q.length)
				window.localStorage.setItem(QUEUE, JSON.stringify(q));
			else
				window.localStorage.removeItem(QUEUE);
		} catch (e) { /* memory holds it for this page */ }
	}

	function status(kind) {
		var el = document.getElementById('queue-status');
		if (!el)
			return;
		el.hidden = !kind;
		el.textContent = kind ? el.getAttribute('data-' + kind) : '';
	}

	function beep() {
		try {
			var Ctx = window.AudioContext || window.webkitAudioContext;
			if (!Ctx)
				return;
			var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
			osc.frequency.value = 880;
			gain.gain.value = 0.15;
			osc.connect(gain);
			gain.connect(ctx.destination);
			osc.start();
			osc.stop(ctx.currentTime + 0.2);
		} catch (e) { /* no sound: the colour still tells */ }
	}

	function confirmed() {
		if (!document.getElementById('confirmation'))
			return;
		if (navigator.vibrate)
			navigator.vibrate([120, 60, 120]);
		beep();
	}

	/* The server's answer replaces the page, as a plain form post would. */
	function show(html) {
		var doc = new DOMParser().parseFromString(html, 'text/html');
		document.title = doc.title;
		document.documentElement.replaceChild(document.adoptNode(doc.body), document.body);
		window.scrollTo(0, 0);
		confirmed();
	}

	function post(item) {
		var controller = window.AbortController ? new AbortController() : null;
		var stop = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
		return fetch(item.url, {
			method: 'POST',
			body: item.body,
			credentials: 'same-origin',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			signal: controller ? controller.signal : undefined
		}).then(function (r) {
			clearTimeout(stop);
			/* The server or the path to it failed: the same key again later. */
			if (r.status >= 500 || r.status === 408 || r.status === 429)
				throw new Error('retry ' + r.status);
			return r.text();
		}, function (e) {
			clearTimeout(stop);
			throw e;
		});
	}

	function schedule() {
		if (!timer)
			timer = setTimeout(function () { timer = null; flush(); }, RETRY_MS);
	}

	/* Sends the oldest waiting submission; the next one follows its answer. */
	function flush() {
		var q = load();
		if (sending || !q.length)
			return;
		sending = true;
		var item = q[0];
		post(item).then(function (html) {
			sending = false;
			var rest = load().filter(function (x) { return x.id !== item.id; });
			save(rest);
			show(html);
			if (rest.length)
				flush();
		}, function () {
			sending = false;
			status('queued');
			schedule();
		});
	}

	document.addEventListener('submit', function (ev) {
		var form = ev.target;
		if (!form.classList || !form.classList.contains('checkin') || !window.fetch || !window.URLSearchParams)
			return;
		ev.preventDefault();
		var button = ev.submitter || document.activeElement;
		var direction = button && button.name === 'direction' ? button.value : 'in';
		form.elements.pressed_at_ms.value = String(Date.now());
		var data = new URLSearchParams(new FormData(form));
		data.set('direction', direction);
		var item = { id: data.get('key') + '-' + direction, url: form.action, body: data.toString(), at: Date.now() };
		/* The same key again (a double tap, a corrected form) replaces what waits. */
		var q = load().filter(function (x) { return x.id !== item.id; });
		q.push(item);
		save(q);
		flush();
	});

	window.addEventListener('online', flush);
	if (load().length) {
		status('queued');
		flush();
	}
	confirmed();
})();
