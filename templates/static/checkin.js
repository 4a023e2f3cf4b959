/* vaora check-in: sends the form through the offline queue of vaora.js (a submission that
 * could not be sent is kept on the phone and sent again with the same key), and shows the
 * server's answer as a plain form post would. The page works without this file. */
(function () {
	'use strict';
	if (!window.vaora || !window.fetch || !window.URLSearchParams)
		return;

	function confirmed() {
		if (!document.getElementById('confirmation'))
			return;
		if (navigator.vibrate)
			navigator.vibrate([120, 60, 120]);
		window.vaora.beep(880, 0.2);
	}

	/* The server's answer replaces the page, as a plain form post would. */
	function show(item, status, html) {
		var doc = new DOMParser().parseFromString(html, 'text/html');
		document.title = doc.title;
		document.documentElement.replaceChild(document.adoptNode(doc.body), document.body);
		window.scrollTo(0, 0);
		restoreMore();
		confirmed();
	}

	var queue = window.vaora.queue({ storage: 'vaora.queue', status: 'queue-status', onAnswer: show });

	/* The "more" section (the optional fields) opens as the person last left it on this phone;
	 * one the server opened (a field there was typed or wrong) stays open. */
	var MORE = 'vaora.more';
	function restoreMore() {
		var more = document.getElementById('more');
		try {
			if (more && window.localStorage.getItem(MORE) === 'open')
				more.open = true;
		} catch (e) { /* storage refused: the section starts closed */ }
	}
	document.addEventListener('toggle', function (ev) {
		if (ev.target.id !== 'more')
			return;
		try {
			window.localStorage.setItem(MORE, ev.target.open ? 'open' : 'closed');
		} catch (e) { /* storage refused: nothing remembered */ }
	}, true);

	/* What the person must answer before anything is sent: each required field left empty gets
	 * its message (the form's data-required* texts, as the server words them), the first of
	 * them the focus. True when something is missing. */
	function missing(form) {
		var shown = form.querySelectorAll('.error.client');
		for (var i = 0; i < shown.length; i++)
			shown[i].parentNode.removeChild(shown[i]);
		var first = null, seen = {};
		var fields = form.querySelectorAll('[required]');
		for (var k = 0; k < fields.length; k++) {
			var el = fields[k];
			if (seen[el.name])
				continue;
			seen[el.name] = true;
			var radio = el.type === 'radio', box = el.type === 'checkbox';
			var empty = radio ? !form.querySelector('input[name="' + el.name + '"]:checked') :
				box ? !el.checked : !el.value.trim();
			if (!radio) {
				el.removeAttribute('aria-invalid');
				if (!empty || !document.getElementById('err-' + el.name))
					el.removeAttribute('aria-describedby');
			}
			if (!empty)
				continue;
			if (!document.getElementById('err-' + el.name)) {
				var p = document.createElement('p');
				p.className = 'error client';
				p.id = 'err-' + el.name;
				p.textContent = form.getAttribute(radio ? 'data-required-answer' :
					box ? 'data-required-consent' : 'data-required');
				var after = radio ? el.closest('fieldset').lastChild : box ? el.closest('label') : el;
				after.parentNode.insertBefore(p, after.nextSibling);
			}
			if (!radio) {
				el.setAttribute('aria-invalid', 'true');
				el.setAttribute('aria-describedby', 'err-' + el.name);
			}
			first = first || el;
		}
		if (first) {
			var fold = first.closest('details');
			if (fold)
				fold.open = true;
			first.focus();
		}
		return first !== null;
	}

	document.addEventListener('submit', function (ev) {
		var form = ev.target;
		if (!form.classList || !form.classList.contains('checkin'))
			return;
		ev.preventDefault();
		if (missing(form))
			return;
		var button = ev.submitter || document.activeElement;
		var direction = button && button.name === 'direction' ? button.value : 'in';
		form.elements.pressed_at_ms.value = String(Date.now());
		var data = new URLSearchParams(new FormData(form));
		data.set('direction', direction);
		/* The same key again (a double tap, a corrected form) replaces what waits. */
		queue.add({ id: data.get('key') + '-' + direction, url: form.action, body: data.toString() });
	});

	restoreMore();
	confirmed();
})();
