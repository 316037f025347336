// tamizdat admin: small progressive enhancements.  Every form works without this file.
(function () {
	'use strict';
	// Ask before a button that cannot be undone in one click (data-confirm="question").
	document.addEventListener('click', function (e) {
		var b = e.target.closest ? e.target.closest('[data-confirm]') : null;
		if (b && !window.confirm(b.getAttribute('data-confirm')))
			e.preventDefault();
	});
	// A form larger than the server reads is refused before it is sent, so
	// that what was typed stays on the page with a message (without this
	// file the server answers 413).  Registered first: a refused form is
	// no deliberate leave for the guard below.
	var max = Number(document.body.getAttribute('data-max-body')) || 0;
	document.addEventListener('submit', function (e) {
		var f = e.target, data, sent, box, p, main;
		if (!max || (f.method || '').toLowerCase() !== 'post')
			return;
		try {
			data = new FormData(f, e.submitter || null);
		} catch (err) {
			data = new FormData(f);
		}
		sent = new URLSearchParams(data).toString();
		// Browsers send line breaks as CR LF: three more bytes each.
		if (sent.length + 3 * (sent.split('%0A').length - 1) <= max)
			return;
		e.preventDefault();
		e.stopImmediatePropagation();
		main = document.getElementById('main');
		box = document.getElementById('e-too-large');
		if (!box) {
			box = document.createElement('div');
			box.id = 'e-too-large';
			box.className = 'errors';
			box.setAttribute('role', 'alert');
			box.tabIndex = -1;
			p = document.createElement('p');
			p.textContent = document.body.getAttribute('data-too-large');
			box.appendChild(p);
			main.insertBefore(box, main.querySelector('h1').nextSibling);
		}
		box.focus();
	}, true);
	// Warn before leaving the editor with unsaved changes.
	var form = document.querySelector('form[data-guard]');
	if (form) {
		var dirty = false;
		// Fields of other forms placed inside it (form="...") do not count.
		form.addEventListener('input', function (e) {
			if (e.target.form === form)
				dirty = true;
		});
		// Any form sent from the page is a deliberate leave.
		document.addEventListener('submit', function () { dirty = false; }, true);
		window.addEventListener('beforeunload', function (e) {
			if (dirty) {
				e.preventDefault();
				e.returnValue = '';
			}
		});
	}
}());
