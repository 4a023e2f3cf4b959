/* vaora's shared page helpers: the offline queue (a submission that could not be sent — no
 * network, a 5xx, no answer — is kept in the browser, survives a reload, and is sent again with
 * the same idempotency key until the server answers, so it is recorded exactly once) and the
 * confirmation sound. Pages work without this file. */
(function () {
	'use strict';
	/* Retries while the network is away; the browser's "online" event also retries at once. */
	var RETRY_MS = 3000;
	/* A request with no answer after this is treated as lost and retried (same key). */
	var TIMEOUT_MS = 15000;
	/* Random bytes of an idempotency key made in the browser. */
	var KEY_BYTES = 16;
	var audio = null;	/* one AudioContext for the page: browsers limit how many there are */

	/* Sends item; received(item) is called as soon as the answer's status shows the server
	 * has it, before its body arrives. */
	function post(item, received) {
		var controller = window.AbortController ? new AbortController() : null;
		var stop = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
		return fetch(item.url, {
			method: 'POST',
			body: item.body,
			credentials: 'same-origin',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			signal: controller ? controller.signal : undefined
		}).then(function (r) {
			/* The server or the path to it failed: the same key again later. */
			if (r.status >= 500 || r.status === 408 || r.status === 429) {
				clearTimeout(stop);
				throw new Error('retry ' + r.status);
			}
			received(item);
			return r.text().then(function (text) {
				clearTimeout(stop);
				return { status: r.status, text: text };
			});
		}, function (e) {
			clearTimeout(stop);
			throw e;
		});
	}

	/* A queue kept under options.storage in localStorage (in memory where the browser keeps
	 * nothing: private tabs, some in-app browsers). Items are { id, url, body }; one with the id
	 * of a waiting one replaces it. An item holds what was typed (names, phone numbers), so it
	 * leaves the phone's storage the moment the server's answer says it has it; the privacy
	 * notice tells residents the queue exists. options.onAnswer(item, status, text) gets each answer in
	 * order; options.status names the element whose data-queued text says something waits. */
	function queue(options) {
		var memory = [];
		var sending = false;
		var timer = null;

		function load() {
			try {
				var q = JSON.parse(window.localStorage.getItem(options.storage) || '[]');
				return Array.isArray(q) ? q : [];
			} catch (e) {
				return memory.slice();
			}
		}

		function save(q) {
			memory = q.slice();
			try {
				if (q.length)
					window.localStorage.setItem(options.storage, JSON.stringify(q));
				else
					window.localStorage.removeItem(options.storage);
			} catch (e) { /* memory holds it for this page */ }
		}

		function status(kind) {
			var el = document.getElementById(options.status);
			if (!el)
				return;
			el.hidden = !kind;
			el.textContent = kind ? el.getAttribute('data-' + kind) : '';
		}

		function schedule() {
			if (!timer)
				timer = setTimeout(function () { timer = null; flush(); }, RETRY_MS);
		}

		function forget(item) {
			save(load().filter(function (x) { return x.id !== item.id; }));
		}

		/* Sends the oldest waiting item; the next one follows its answer. */
		function flush() {
			var q = load();
			if (sending || !q.length)
				return;
			sending = true;
			var item = q[0], gone = false;
			post(item, function () { gone = true; forget(item); }).then(function (answer) {
				sending = false;
				var rest = load();
				if (!rest.length)
					status('');
				options.onAnswer(item, answer.status, answer.text);
				if (rest.length)
					flush();
			}, function () {
				sending = false;
				/* The server had it but its answer broke off: asked again, the same key
				 * gets the same answer. */
				if (gone)
					save(load().concat([item]));
				status('queued');
				if (options.onWaiting)
					options.onWaiting(item);
				schedule();
			});
		}

		function add(item) {
			var q = load().filter(function (x) { return x.id !== item.id; });
			q.push(item);
			save(q);
			flush();
		}

		window.addEventListener('online', flush);
		if (load().length) {
			status('queued');
			flush();
		}
		return { add: add, flush: flush };
	}

	function beep(frequency, seconds) {
		try {
			var Ctx = window.AudioContext || window.webkitAudioContext;
			if (!Ctx)
				return;
			audio = audio || new Ctx();
			var osc = audio.createOscillator(), gain = audio.createGain();
			osc.frequency.value = frequency;
			gain.gain.value = 0.15;
			osc.connect(gain);
			gain.connect(audio.destination);
			osc.start();
			osc.stop(audio.currentTime + seconds);
		} catch (e) { /* no sound: the colour still tells */ }
	}

	function randomKey() {
		var bytes = new Uint8Array(KEY_BYTES);
		window.crypto.getRandomValues(bytes);
		return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
	}

	window.vaora = { queue: queue, beep: beep, randomKey: randomKey };
})();
