/* vaora gate mode: scans from a USB barcode reader (it types the code and presses Enter) or
 * from the camera (the browser's BarcodeDetector, else jsQR from our static files), each sent
 * with a key of its own through the offline queue of vaora.js, and each answer shown as a
 * green, amber or red flash with a sound. Someone new is recorded only when the guard confirms
 * in the flash that they read the notice (its button, or Enter on the empty code field), which
 * sends that one scan again with its consent. Without this file the page is a plain form. */
(function () {
	'use strict';
	var form = document.getElementById('gate-form');
	if (!form || !window.vaora || !window.fetch || !window.URLSearchParams || !window.crypto)
		return;
	/* A barcode reader types a code far faster than a hand: keys this close are a reader's. */
	var READER_KEY_MS = 60;
	/* A reader's code that stops this long before its Enter was cut short (the reader lost it). */
	var READER_IDLE_MS = 400;
	/* The camera looks at a frame this often; jsQR takes some tens of ms for one. */
	var CAMERA_FRAME_MS = 200;
	/* The same code before the camera again within this is the same card still held up. */
	var CAMERA_REPEAT_MS = 3000;
	/* Frames are scaled down to this width before decoding: plenty for a card held up close. */
	var CAMERA_WIDTH_MAX = 640;
	/* Scans the log keeps on screen. */
	var LOG_MAX = 50;
	var JSQR_SRC = '/static/vendor/jsqr/jsQR.js';
	/* The person fields that complete an ID card, as the card's reading names them. */
	var CARD_FIELDS = ['full_name', 'id_number', 'birth_year', 'address'];

	var code = form.elements.code;
	var flashEl = document.getElementById('flash');
	var log = document.getElementById('gate-log');
	var questions = document.getElementById('gate-questions');
	var complete = document.getElementById('gate-complete');
	var pending = null;	/* the ID-card scan the guard is completing: { code, key, method } */
	var confirming = null;	/* the scan whose notice the flash asks about, as it was sent */
	var confirmButton = document.getElementById('flash-consent');

	if (!confirmButton) {
		confirmButton = document.createElement('button');
		confirmButton.type = 'submit';
		confirmButton.id = 'flash-consent';
		confirmButton.className = 'flash-confirm';
		confirmButton.textContent = flashEl.getAttribute('data-confirm');
		confirmButton.hidden = true;
		flashEl.appendChild(confirmButton);
	}
	/* The form's submit event comes from it (form=), whether clicked or reached by Enter. */
	confirmButton.setAttribute('form', 'gate-form');
	var told = {};		/* queued scans already flashed as waiting, by key */

	function show(a) {
		flashEl.className = 'flash ' + a.color;
		flashEl.hidden = false;
		flashEl.setAttribute('data-outcome', a.outcome);
		flashEl.querySelector('.flash-name').textContent = a.name || '';
		flashEl.querySelector('.flash-message').textContent = a.message || '';
		flashEl.querySelector('.flash-time').textContent = a.check_code ? a.time + ' · ' + a.check_code : '';
		confirmButton.hidden = !a.confirm;
		var li = document.createElement('li');
		li.className = a.color;
		li.setAttribute('data-outcome', a.outcome);
		li.textContent = [a.time, a.name, a.message].filter(Boolean).join(' · ');
		log.insertBefore(li, log.firstChild);
		while (log.children.length > LOG_MAX)
			log.removeChild(log.lastChild);
		var red = a.color === 'red';
		window.vaora.beep(red ? 220 : 880, red ? 0.4 : 0.15);
		if (navigator.vibrate)
			navigator.vibrate(red ? [300] : [80]);
	}

	function refused(message) {
		show({ outcome: 'refused', color: 'red', name: '', message: message });
	}

	function fieldsOf(item) {
		return new URLSearchParams(item.body);
	}

	function openCompletion(sent, answer) {
		pending = { code: sent.get('code'), key: sent.get('key'), method: sent.get('method') };
		var read = answer.read || {};
		/* A second try keeps what the guard typed; a first one starts from the card. */
		if (!sent.get('completed')) {
			CARD_FIELDS.forEach(function (name) {
				if (form.elements[name])
					form.elements[name].value = read[name] || '';
			});
			Array.prototype.forEach.call(form.querySelectorAll('input[name="gender"]'), function (r) {
				r.checked = r.value === read.gender;
			});
		}
		if (answer.errors)
			flashEl.querySelector('.flash-message').textContent = answer.message + ' ' +
				Object.keys(answer.errors).map(function (k) { return answer.errors[k]; }).join(' ');
		complete.hidden = false;
	}

	function closeCompletion() {
		pending = null;
		complete.hidden = true;
		CARD_FIELDS.concat(['phone', 'area_code']).forEach(function (name) {
			if (form.elements[name])
				form.elements[name].value = '';
		});
		code.focus();
	}

	function answered(item, status, text) {
		var a = null;
		try {
			a = JSON.parse(text);
		} catch (e) { /* an error page: said below */ }
		if (!a || !a.outcome)
			a = { outcome: 'refused', color: 'red', name: '', message: form.getAttribute('data-error') + ' (' + status + ')' };
		var sent = fieldsOf(item);
		show(a);
		confirming = a.outcome === 'consent' ? sent : null;
		if (a.outcome === 'incomplete')
			openCompletion(sent, a);
		else if (pending && pending.key === sent.get('key'))
			closeCompletion();
	}

	/* The guard confirms the notice was read: the card being completed, or the scan the flash
	 * asked about, sent again (same key) with the consent. */
	function confirm() {
		confirmButton.hidden = true;
		if (pending) {
			send(pending.code, pending.method, pending.key, true, true);
		} else if (confirming) {
			var data = new URLSearchParams(confirming);
			data.set('consent', '1');
			queue.add({ id: data.get('key'), url: form.action, body: data.toString() });
			confirming = null;
		}
		code.focus();
	}

	function waiting(item) {
		var key = fieldsOf(item).get('key');
		if (told[key])
			return;
		told[key] = true;
		show({ outcome: 'queued', color: 'amber', name: '',
		       message: document.getElementById('queue-status').getAttribute('data-queued') });
	}

	var queue = window.vaora.queue({ storage: 'vaora.gate.queue', status: 'queue-status', onAnswer: answered,
				      onWaiting: waiting });

	function asked() {
		var checked = form.querySelector('input[name="declaration"]:checked');
		return checked && checked.value === 'ask';
	}

	/* The form as it stands (settings, answers) for one scan; the answers are then cleared, so
	 * the next person is asked afresh. */
	function send(text, method, key, completing, consent) {
		var data = new URLSearchParams(new FormData(form));
		data.set('code', text);
		data.set('method', method);
		data.set('key', key);
		data.set('pressed_at_ms', String(Date.now()));
		data.set('reply', 'json');
		if (completing)
			data.set('completed', '1');
		else
			data.delete('completed');
		if (consent)
			data.set('consent', '1');
		else
			data.delete('consent');
		queue.add({ id: key, url: form.action, body: data.toString() });
		if (asked())
			Array.prototype.forEach.call(questions.querySelectorAll('input'), function (i) { i.checked = false; });
	}

	function scan(text, method) {
		if (text.trim())
			send(text, method, window.vaora.randomKey(), false, false);
	}

	/* The reader: Enter ends a code; a fast burst that stops without one was cut short. */
	var burst = { first: 0, last: 0, keys: 0 };
	var idle = null;

	function readerTyped() {
		return burst.keys > 1 && (burst.last - burst.first) / (burst.keys - 1) < READER_KEY_MS;
	}

	code.addEventListener('input', function () {
		var now = Date.now();
		if (code.value.length <= 1 || now - burst.last > READER_IDLE_MS) {
			burst.first = now;
			burst.keys = 0;
		}
		burst.keys++;
		burst.last = now;
		clearTimeout(idle);
		idle = setTimeout(function () {
			if (code.value && readerTyped()) {
				code.value = '';
				burst.keys = 0;
				refused(form.getAttribute('data-cut'));
			}
		}, READER_IDLE_MS);
	});

	/* Enter on the empty field is the guard's, not a reader's: it confirms what the flash asks. */
	code.addEventListener('keydown', function (ev) {
		if (ev.key !== 'Enter')
			return;
		ev.preventDefault();
		clearTimeout(idle);
		var text = code.value;
		code.value = '';
		burst.keys = 0;
		if (!text.trim() && !confirmButton.hidden)
			confirm();
		else
			scan(text, 'gate-reader');
	});

	/* The buttons: the flash's confirmation; else the ID card being completed, else a code
	 * typed by hand. */
	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		if (ev.submitter === confirmButton && !confirmButton.hidden) {
			confirm();
			return;
		}
		if (pending) {
			send(pending.code, pending.method, pending.key, true, false);
			return;
		}
		var text = code.value;
		code.value = '';
		scan(text, 'gate-reader');
	});

	form.querySelectorAll('input[name="declaration"]').forEach(function (r) {
		r.addEventListener('change', function () { questions.hidden = !asked(); });
	});

	/* The camera. */
	var toggle = document.getElementById('camera-toggle');
	var video = document.getElementById('camera');
	var canvas = document.createElement('canvas');
	var stream = null;
	var last = { text: '', at: 0 };

	function loadScript(src) {
		return new Promise(function (resolve, reject) {
			var s = document.createElement('script');
			s.src = src;
			s.onload = resolve;
			s.onerror = reject;
			document.head.appendChild(s);
		});
	}

	function jsqrDecoder() {
		var load = window.jsQR ? Promise.resolve() : loadScript(JSQR_SRC);
		return load.then(function () {
			return function () {
				var w = Math.min(video.videoWidth, CAMERA_WIDTH_MAX);
				var h = Math.round(video.videoHeight * w / video.videoWidth);
				if (!w || !h)
					return Promise.resolve(null);
				canvas.width = w;
				canvas.height = h;
				var ctx = canvas.getContext('2d', { willReadFrequently: true });
				ctx.drawImage(video, 0, 0, w, h);
				var found = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
				return Promise.resolve(found ? found.data : null);
			};
		});
	}

	/* A function reading one frame: the browser's own detector when it knows QR codes. */
	function decoder() {
		if (!('BarcodeDetector' in window))
			return jsqrDecoder();
		return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
			if (formats.indexOf('qr_code') < 0)
				return jsqrDecoder();
			var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
			return function () {
				return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
			};
		});
	}

	function seen(text) {
		var now = Date.now();
		var same = text === last.text && now - last.at < CAMERA_REPEAT_MS;
		last = { text: text, at: now };
		if (!same)
			scan(text, 'gate-camera');
	}

	function watch(read) {
		if (!stream)
			return;
		read().then(function (text) {
			if (text)
				seen(text);
		}, function () { /* a frame that could not be read: the next one may */ }).then(function () {
			if (stream)
				setTimeout(function () { watch(read); }, CAMERA_FRAME_MS);
		});
	}

	function stopCamera() {
		if (stream)
			stream.getTracks().forEach(function (t) { t.stop(); });
		stream = null;
		video.hidden = true;
		toggle.textContent = form.getAttribute('data-camera-start');
	}

	function startCamera() {
		navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
			stream = s;
			video.srcObject = s;
			video.hidden = false;
			toggle.textContent = form.getAttribute('data-camera-stop');
			return Promise.all([video.play(), decoder()]);
		}).then(function (ready) {
			watch(ready[1]);
		}).catch(function () {
			stopCamera();
			refused(form.getAttribute('data-camera-none'));
		});
	}

	if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
		toggle.hidden = false;
		toggle.addEventListener('click', function () {
			if (stream)
				stopCamera();
			else
				startCamera();
		});
	}
})();
