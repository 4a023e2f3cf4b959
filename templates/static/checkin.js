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
		confirmed();
	}

	var queue = window.vaora.queue({ storage: 'vaora.queue', status: 'queue-status', onAnswer: show });

	document.addEventListener('submit', function (ev) {
		var form = ev.target;
		if (!form.classList || !form.classList.contains('checkin'))
			return;
		ev.preventDefault();
		var button = ev.submitter || document.activeElement;
		var direction = button && button.name === 'direction' ? button.value : 'in';
		form.elements.pressed_at_ms.value = String(Date.now());
		var data = new URLSearchParams(new FormData(form));
		data.set('direction', direction);
		/* The same key again (a double tap, a corrected form) replaces what waits. */
		queue.add({ id: data.get('key') + '-' + direction, url: form.action, body: data.toString() });
	});

	confirmed();
})();
